"""Bar charts drawn on the server as inline SVG geometry: a picture where it reads better, no JS library."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, LABEL_ROOM, VALUE_ROOM = 600, 180, 22, 16


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str  # formatted for the reader
    center: float
    value_y: float


def bar_chart(items: list[tuple[str, Decimal | int, str]]) -> dict:
    """`[(label, amount, formatted amount)]` → the SVG's size and one bar per item, scaled to the largest."""
    top = max((Decimal(amount) for _label, amount, _text in items), default=Decimal(0)) or Decimal(1)
    slot = WIDTH / max(len(items), 1)
    room = HEIGHT - LABEL_ROOM - VALUE_ROOM
    bars = []
    for index, (label, amount, text) in enumerate(items):
        height = float(max(Decimal(amount), Decimal(0)) / top) * room
        x = index * slot + slot * 0.15
        bars.append(Bar(x=round(x, 1), y=round(VALUE_ROOM + room - height, 1), width=round(slot * 0.7, 1),
                        height=round(height, 1), label=label, value=text, center=round(x + slot * 0.35, 1),
                        value_y=round(VALUE_ROOM + room - height - 4, 1)))
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "baseline": HEIGHT - LABEL_ROOM,
            "label_y": HEIGHT - 6}
