"""Rendering a document to PDF fetches nothing but data: URLs: no address in its HTML makes the server connect."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from saas.sales import rendering

PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode()


class Handler(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        Handler.seen.append(self.path)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.seen = []
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


def test_a_pdf_is_rendered_without_fetching_any_url_but_data(server):
    # given: HTML naming a local server for a stylesheet and an image, beside an inlined image
    html = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{server}/style.css"></head><body>'
            f'<img src="http://127.0.0.1:{server}/logo.png"><img src="data:image/png;base64,{PIXEL}">'
            f'<p>Invoice</p></body></html>')
    # when
    pdf = rendering.html_pdf(html)
    # then
    assert pdf.startswith(b"%PDF") and b"/Image" in pdf  # the inlined image (as the logo is) is kept
    assert Handler.seen == []
