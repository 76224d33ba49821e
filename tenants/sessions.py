"""Sessions bound to their host: `SESSION_ENGINE = "tenants.sessions"`.

Sessions are per host (no shared cookie domain), but the cookie is only a bearer value: replayed on another
tenant's host, Django's own database store would find it and log its holder in there. Here each session row carries
the schema of the host that opened it and is looked up, updated and deleted only on that host; elsewhere its key
is unknown, the request is anonymous and a new session (a new key) starts. The row also names the identity logged
into it (`user_id`), which is how a member's sessions are found and ended (tenants.services.user_sessions_end).
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key=None, schema_name: str | None = None):
        super().__init__(session_key)
        # Built by SessionMiddleware once TenantMainMiddleware has set the host's schema on the connection.
        self.schema_name = schema_name or connection.schema_name

    @classmethod
    def get_model_class(cls):
        from tenants.models import Session

        return Session

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        if found is not None and found.schema_name != self.schema_name:
            # Another host's session: unknown here (a save then creates a new key, never touches that row).
            self._session_key = None
            return None
        return found

    async def _aget_session_from_db(self):
        found = await super()._aget_session_from_db()
        if found is not None and found.schema_name != self.schema_name:
            self._session_key = None
            return None
        return found

    def create_model_instance(self, data):
        return self._bound(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data):
        return self._bound(await super().acreate_model_instance(data), data)

    def _bound(self, session, data):
        session.schema_name = self.schema_name
        try:
            session.user_id = int(data[SESSION_KEY]) if data.get(SESSION_KEY) is not None else None
        except (TypeError, ValueError):
            session.user_id = None
        return session

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is not None:
            # A logout on another host with this cookie ends nothing here.
            self.model.objects.filter(session_key=session_key, schema_name=self.schema_name).delete()

    async def adelete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is not None:
            await self.model.objects.filter(session_key=session_key, schema_name=self.schema_name).adelete()
