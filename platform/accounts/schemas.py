"""What crosses HTTP for accounts: forms and JSON in, public views out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from accounts.credit_code import CreditCode, InvalidCreditCode
from accounts.models import (
    OrganizationType,
    Origin,
    RegistrationLevel,
    Role,
    Station,
    Verification,
)
from accounts.passwords import check_password
from core.categories import TopCategory
from core.errors import N_

Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=64),
    Field(pattern=r"^[a-z0-9][a-z0-9._-]*$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+\- ]{7,20}$")]
OptionalPhone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^([0-9+\- ]{7,20})?$")
]
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


def _meets_policy(password: str, info: ValidationInfo) -> str:
    """The password policy, with the names given before it in the same form as inputs that
    make a password guessable; reports the first rule broken."""
    problems = check_password(
        password,
        username=info.data.get("username") or "",
        user_inputs=[info.data[key] for key in ("display_name", "name") if info.data.get(key)],
    )
    if problems:
        raise ValueError(problems[0].message)
    return password


NewPassword = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_meets_policy)
]


class LoginForm(BaseModel):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class TokenRequest(LoginForm):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = "script"
    days: int = Field(default=30, ge=1, le=365)


class TokenCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    days: int = Field(default=30, ge=1, le=365)


class TokenIssued(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type
    expires_at: datetime


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class PasswordChange(BaseModel):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class UserCreate(BaseModel):
    username: Username
    display_name: Name
    password: NewPassword
    roles: list[Role] = Field(min_length=1)
    organization_id: UUID | None = None
    station_id: UUID | None = None
    department_id: UUID | None = None
    reviewer_categories: list[TopCategory] = Field(default_factory=list)


class UserUpdate(BaseModel):
    """What an administrator changes about an account (the user name and password stay)."""

    display_name: Name
    roles: list[Role] = Field(min_length=1)
    organization_id: UUID | None = None
    station_id: UUID | None = None
    department_id: UUID | None = None
    reviewer_categories: list[TopCategory] = Field(default_factory=list)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    username: str
    display_name: str
    roles: list[Role]
    is_active: bool
    organization_id: UUID | None
    station_id: UUID | None
    department_id: UUID | None
    reviewer_categories: list[TopCategory]
    last_login_at: datetime | None
    locked_until: datetime | None
    """Shown to administrators only; a locked-out user is never told."""


class OrganizationFields(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    credit_code: str
    org_type: OrganizationType
    origin: Origin
    registration_level: RegistrationLevel
    has_party_branch: bool = False
    focus_categories: list[TopCategory] = Field(default_factory=list)
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    contact_name: Name
    contact_phone: Phone
    service_region_codes: list[RegionCode] = Field(default_factory=list)

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        try:
            return str(CreditCode.parse(value))
        except InvalidCreditCode as error:
            raise ValueError(error.message) from error


class OrganizationUpdate(OrganizationFields):
    version: int | None = None
    """The version the editor saw; a stale one is refused instead of overwriting."""


class OrganizationRegistration(OrganizationFields):
    """Self-registration: the organization and its first member's account."""

    username: Username
    display_name: Name
    password: NewPassword
    password_again: Annotated[str, StringConstraints(max_length=128)] = Field(
        default="", validate_default=True
    )
    """The password typed a second time: a typo is caught before the account exists."""
    privacy_consent: bool = Field(default=False, validate_default=True)
    """Agreement to the personal-data notice (``/privacy``); registering needs it."""

    @field_validator("password_again")
    @classmethod
    def _same_password(cls, value: str, info: ValidationInfo) -> str:
        password = info.data.get("password")
        if password is not None and value != password:
            raise ValueError(N_("The two passwords differ; type the same password twice."))
        return value

    @field_validator("privacy_consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError(N_("Registering needs your agreement to the personal-data notice."))
        return value


class OrganizationPublic(BaseModel):
    """What anyone may see of an organization (no contact data)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    org_type: OrganizationType
    origin: Origin
    registration_level: RegistrationLevel
    has_party_branch: bool
    focus_categories: list[TopCategory]
    description: str
    verification: Verification
    service_region_codes: list[str]


class OrganizationRead(OrganizationPublic):
    credit_code: str
    contact_name: str
    contact_phone: str
    verified_at: datetime | None
    version: int


class StationContact(BaseModel):
    """Who to call at a station: its workers keep it current, administrators too."""

    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    contact_phone: OptionalPhone = ""


class StationFields(StationContact):
    """A township's social-work station; the name defaults to "<township>社工站"."""

    township_code: RegionCode
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    is_active: bool = True


class StationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    township_code: str
    contact_name: str | None = None
    contact_phone: str | None = None
    is_active: bool


def station_read(station: Station, *, with_contact: bool) -> StationRead:
    """A station; its contact only where ``accounts.policy.sees_contacts`` allows."""
    return StationRead.model_validate(station).model_copy(
        update={
            "contact_name": station.contact_name if with_contact else None,
            "contact_phone": station.contact_phone if with_contact else None,
        }
    )


class DepartmentFields(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str


NO_AFFILIATION = N_("Choose exactly one organization, station or department for the user.")
