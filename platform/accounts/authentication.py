"""Signing in and staying signed in: passwords with lockout, browser sessions, API tokens.

The policy (docs/security.md): 5 consecutive failures lock an account for 30 minutes, with the
same answer and the same work for unknown users; sessions end after 30 idle minutes and after
12 hours at most; secrets are random, shown once and stored only as hashes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.identity_memory import IDENTITIES, Remembered
from accounts.models import ApiToken, LoginSession, User
from accounts.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from accounts.repository import ApiTokenRepository, LoginSessionRepository, UserRepository
from core.audit import Actor, record
from core.clock import Clock
from core.errors import N_, DomainError, NotFound, PermissionDenied
from core.pagination import PageRequest, Slice

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=30)
SESSION_IDLE = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_DEFAULT_LIFETIME = timedelta(days=30)
TOKEN_MAX_LIFETIME = timedelta(days=365)
TOKEN_PREFIX = "xx_"  # noqa: S105 - a label, not a secret


class LoginFailed(DomainError):
    status_code = 401
    code = "invalid_credentials"


class PasswordChangeRequired(PermissionDenied):
    code = "password_change_required"


PASSWORD_CHANGE_REQUIRED = N_(
    "Your password was reset: choose a new one on the password page (/account/password) first."
)


LOGIN_FAILED_MESSAGE = N_(
    "Wrong user name or password, or the account is locked for a while after too many failures."
)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionCookie:
    """What the encrypted session cookie carries: the session secret, the last activity and
    the CSRF token bound to the session (``accounts.session_csrf``)."""

    secret: str
    seen: float
    csrf: str = ""

    KEY_SECRET = "sid"  # noqa: S105 - a dict key
    KEY_SEEN = "seen"
    KEY_CSRF = "csrf"

    @classmethod
    def read(cls, data: dict[str, Any]) -> SessionCookie | None:
        secret, seen = data.get(cls.KEY_SECRET), data.get(cls.KEY_SEEN)
        csrf = data.get(cls.KEY_CSRF, "")
        if not isinstance(secret, str) or not isinstance(seen, int | float):
            return None
        return cls(secret=secret, seen=float(seen), csrf=csrf if isinstance(csrf, str) else "")

    def write(self) -> dict[str, Any]:
        return {self.KEY_SECRET: self.secret, self.KEY_SEEN: self.seen, self.KEY_CSRF: self.csrf}


class AuthenticationService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.users = UserRepository(session=session)
        self.login_sessions = LoginSessionRepository(session=session)
        self.tokens = ApiTokenRepository(session=session)

    async def check_password(self, username: str, password: str, *, ip: str | None) -> User:
        """The user whose password this is, or ``LoginFailed``; counts failures, locks."""
        now = self.clock()
        user = await self.users.signing_in(username)
        if user is None or not user.is_active:
            verify_password(dummy_hash(), password)
            self._audit(None, username, "login.failed", ip, reason="unknown_or_inactive")
            raise LoginFailed(LOGIN_FAILED_MESSAGE)
        if user.locked_until is not None and user.locked_until > now:
            verify_password(dummy_hash(), password)
            self._audit(user, username, "login.failed", ip, reason="locked")
            raise LoginFailed(LOGIN_FAILED_MESSAGE)
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            reason = "wrong_password"
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                reason = "locked_now"
            self._audit(user, username, "login.failed", ip, reason=reason)
            raise LoginFailed(LOGIN_FAILED_MESSAGE)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user

    async def start_session(
        self, user: User, *, ip: str | None, user_agent: str | None
    ) -> SessionCookie:
        """A fresh session (a new secret every login: the id rotates)."""
        now = self.clock()
        secret = secrets.token_urlsafe(32)
        self.session.add(
            LoginSession(
                secret_hash=secret_hash(secret),
                user_id=user.id,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
                ip=ip,
                user_agent=(user_agent or "")[:200] or None,
            )
        )
        self._audit(user, user.username, "login.succeeded", ip, channel="session")
        await self.session.flush()
        return SessionCookie(secret=secret, seen=now.timestamp())

    async def resume_session(self, cookie: SessionCookie) -> Identity | None:
        """The identity behind a session cookie, or None once it ended, idled out or expired."""
        now = self.clock()
        hashed = secret_hash(cookie.secret)
        kept = IDENTITIES.get(hashed)
        idle = now.timestamp() - cookie.seen > SESSION_IDLE.total_seconds()
        if kept is not None and kept.expires_at > now and not idle:
            return kept.identity
        row = await self.login_sessions.by_secret_hash(hashed)
        if row is None or row.ended_at is not None or not row.user.is_active:
            return None
        if row.expires_at <= now:
            row.ended_at, row.end_reason = now, "expired"
            return None
        if idle:
            row.ended_at, row.end_reason = now, "idle"
            return None
        identity = Identity.of(row.user, session_secret_hash=row.secret_hash)
        IDENTITIES.keep(hashed, Remembered(identity, row.expires_at))
        return identity

    async def end_session(self, identity: Identity, *, ip: str | None) -> None:
        if identity.session_secret_hash is None:
            return
        row = await self.login_sessions.by_secret_hash(identity.session_secret_hash)
        if row is not None and row.ended_at is None:
            row.ended_at, row.end_reason = self.clock(), "logout"
            record(
                self.session,
                actor=identity.actor(ip),
                action="logout",
                object_type="user",
                object_id=identity.user_id,
                at=self.clock(),
            )

    async def issue_token(
        self, user: User, *, name: str, lifetime: timedelta | None, ip: str | None
    ) -> tuple[ApiToken, str]:
        """A new bearer token; the secret is returned once and never stored; refused while
        the user still has to replace a temporary password."""
        if user.must_change_password:
            raise PasswordChangeRequired(PASSWORD_CHANGE_REQUIRED)
        now = self.clock()
        lifetime = min(lifetime or TOKEN_DEFAULT_LIFETIME, TOKEN_MAX_LIFETIME)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            secret_hash=secret_hash(secret),
            prefix=secret[:10],
            name=name,
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
        )
        self.session.add(token)
        await self.session.flush()
        record(
            self.session,
            actor=Identity.of(user).actor(ip),
            action="token.issued",
            object_type="api_token",
            object_id=token.id,
            after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at},
            at=now,
        )
        return token, secret

    async def resume_token(self, secret: str) -> Identity | None:
        """The identity behind a bearer token (``accounts.identity_memory`` remembers it for a
        few seconds), or None once the token was revoked or expired or its user deactivated."""
        hashed = secret_hash(secret)
        kept = IDENTITIES.get(hashed)
        if kept is not None and kept.expires_at > self.clock():
            return kept.identity
        token = await self.tokens.by_secret_hash(hashed)
        if token is None or token.revoked_at is not None or not token.user.is_active:
            return None
        if token.expires_at <= self.clock() or token.user.must_change_password:
            return None
        identity = Identity.of(token.user, token_id=token.id)
        IDENTITIES.keep(hashed, Remembered(identity, token.expires_at))
        return identity

    async def tokens_of(self, identity: Identity) -> list[ApiToken]:
        return await self.tokens.of_user(identity.user_id)

    async def token_page(self, identity: Identity, page: PageRequest) -> Slice[ApiToken]:
        items, total = await self.tokens.page_of_user(identity.user_id, page)
        return Slice.of(items, total, page)

    async def revoke_token(self, identity: Identity, token_id: UUID, *, ip: str | None) -> None:
        """Owners revoke their own tokens; another user's token is 'not found' to them."""
        token = await self.tokens.get_one_or_none(ApiToken.id == token_id)
        if token is None or token.user_id != identity.user_id:
            raise NotFound(N_("No such token."))
        if token.revoked_at is None:
            token.revoked_at = self.clock()
            record(
                self.session,
                actor=identity.actor(ip),
                action="token.revoked",
                object_type="api_token",
                object_id=token.id,
                at=token.revoked_at,
            )

    async def end_everything_of(
        self, user_id: UUID, *, reason: str, keep_session: str | None = None
    ) -> None:
        """End every session and revoke every token of a user (deactivation, password reset,
        password change); ``keep_session`` is the secret hash of the session that changed the
        password, which stays signed in."""
        now = self.clock()
        await self.login_sessions.end_all_of(user_id, at=now, reason=reason, keep=keep_session)
        await self.tokens.revoke_all_of(user_id, at=now)

    def _audit(
        self, user: User | None, username: str, action: str, ip: str | None, **detail: str
    ) -> None:
        record(
            self.session,
            actor=Actor(
                user_id=str(user.id) if user else None,
                username=username[:64],
                role=None,
                ip=ip,
            ),
            action=action,
            object_type="user",
            object_id=user.id if user else None,
            after=detail or None,
            at=self.clock(),
        )
