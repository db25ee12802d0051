"""The container deployment (``docker-compose.yml`` and ``Dockerfile``), checked without Docker.

No Docker engine runs in CI, so these tests read the files instead of starting them: the compose
file must be valid under the Compose Specification and keep the promises of its header (every
service health-checked, limited and its log rotated, ports on 127.0.0.1 only behind a TLS proxy,
secrets only from files, the app as a role of its own and up while search is down); the image
must be pinned (with mirrors possible), run as a non-root user, and migrate before it serves;
the nginx example must carry TLS, the import size and the forwarded headers.

The schema is ``shared/schemas/compose-spec.json`` beside the repository, or the file named by
``XIANGXING_COMPOSE_SCHEMA``; it is not part of the project. Where neither is present (a fresh
clone in a temporary directory, as CI runs) the schema check is skipped with the reason in the
report, and every other check of the compose file still runs.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
APP_ROLE_SCRIPT = REPO_ROOT / "deploy" / "postgres" / "10-app-role.sh"
NGINX_EXAMPLE = REPO_ROOT / "deploy" / "nginx.conf.example"
DEFAULT_COMPOSE_SCHEMA = REPO_ROOT.parent / "shared" / "schemas" / "compose-spec.json"
COMPOSE_SCHEMA_ENV_VAR = "XIANGXING_COMPOSE_SCHEMA"

SERVICES = ("db", "search", "app")
LOOPBACK = "127.0.0.1"
# Environment entries that name a secret file, and the secret each must name.
SECRET_FILES: dict[str, dict[str, str]] = {
    "db": {
        "POSTGRES_PASSWORD_FILE": "postgres_password",
        "APP_DB_PASSWORD_FILE": "app_db_password",
    },
    "app": {
        "XIANGXING_SECRET_KEY_FILE": "xiangxing_secret_key",
        "XIANGXING_DATABASE_PASSWORD_FILE": "app_db_password",
        "XIANGXING_SEARCH_API_KEY_FILE": "meili_master_key",
    },
}
# Any other environment entry named like this is treated as a secret too.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(?:^|_)KEY(?:_FILE)?$")
# ``${NAME:-default}``: an image or setting the operator may replace (a registry mirror).
DEFAULTED = re.compile(r"^\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):-(?P<default>[^}]*)\}$")
APP_DATABASE_URL = re.compile(
    r"^postgresql\+asyncpg://(?P<user>[^:@/]+)@(?P<host>[^:/]+)(?::\d+)?/\w+$"
)


def with_defaults(value: str) -> str:
    """``${NAME:-default}`` read as its default; anything else as it is."""
    match = DEFAULTED.match(value)
    return match["default"] if match else value


# --- loading ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{COMPOSE_FILE.name} is not a YAML mapping"
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose.get("services") or {}


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def load_compose_schema() -> dict[str, Any]:
    """The Compose Specification schema; the check is skipped, with the reason, without it."""
    override = os.environ.get(COMPOSE_SCHEMA_ENV_VAR)
    path = Path(override) if override else DEFAULT_COMPOSE_SCHEMA
    if not path.is_file():
        reason = (
            f"Compose Specification schema not found at {path}; "
            f"set {COMPOSE_SCHEMA_ENV_VAR} to the path of compose-spec.json"
        )
        pytest.skip(reason)
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return schema


def compose_schema_errors(document: Any, schema: dict[str, Any]) -> list[str]:
    """Every violation of the schema, one line each, so a failure lists them all at once."""
    errors = Draft7Validator(schema).iter_errors(document)
    return sorted(f"{error.json_path}: {error.message}" for error in errors)


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    """A service's ``environment`` as a mapping, whether written as a mapping or a list."""
    entries = service.get("environment") or {}
    if isinstance(entries, list):
        pairs = (str(entry).partition("=") for entry in entries)
        return {name: value if sep else None for name, sep, value in pairs}
    return {name: None if value is None else str(value) for name, value in entries.items()}


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The instructions of the last stage: the image that is actually shipped."""
    starts = [index for index, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert starts, "the Dockerfile has no FROM"
    return instructions[starts[-1] :]


def is_pinned(reference: str) -> bool:
    """An image reference with a digest or an explicit version tag (not ``latest``)."""
    if "@sha256:" in reference:
        return True
    _, colon, tag = reference.rpartition(":")
    return bool(colon) and "/" not in tag and tag != "latest" and any(c.isdigit() for c in tag)


def shell_command(arguments: str) -> str:
    """The command line of a CMD/HEALTHCHECK, from its exec (JSON) or its shell form."""
    if arguments.startswith("["):
        return " ".join(json.loads(arguments))
    return arguments


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification(compose: dict[str, Any]) -> None:
    errors = compose_schema_errors(compose, load_compose_schema())
    report = "\n".join(errors)
    assert not errors, f"{COMPOSE_FILE.name} violates the Compose Specification:\n{report}"


def test_schema_check_rejects_a_broken_compose_file() -> None:
    """Guards the check above against a schema (or override) that would accept anything."""
    broken = {
        "services": {
            "app": {"image": "xiangxing", "healthcheck": {"interval": ["30s"]}},
            "db": {"image": "postgres:16-alpine", "restart_policy": "always"},
        }
    }
    errors = compose_schema_errors(broken, load_compose_schema())
    assert any("interval" in error for error in errors), errors
    assert any("restart_policy" in error for error in errors), errors


def test_compose_defines_the_three_services(compose: dict[str, Any]) -> None:
    assert "version" not in compose, "the Compose Specification has no `version:` key"
    assert set(compose.get("services") or {}) == set(SERVICES)


def test_every_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    """``depends_on: service_healthy`` and restarts both need a real health check."""
    missing = []
    for name, service in services.items():
        check = service.get("healthcheck") or {}
        test = check.get("test")
        if check.get("disable") or not test or test == ["NONE"]:
            missing.append(name)
    assert not missing, f"services without a healthcheck: {missing}"


def test_every_service_restarts_unless_stopped(services: dict[str, dict[str, Any]]) -> None:
    """A crash or a host reboot brings the stack back; only `docker compose stop` keeps it down."""
    policies = {name: service.get("restart") for name, service in services.items()}
    assert set(policies.values()) == {"unless-stopped"}, policies


def test_published_ports_are_bound_to_loopback(services: dict[str, dict[str, Any]]) -> None:
    """Only a reverse proxy on the host may reach the stack: nothing listens on 0.0.0.0."""
    exposed = []
    for name, service in services.items():
        if service.get("network_mode") == "host":
            exposed.append(f"{name}: network_mode host")
        for port in service.get("ports") or []:
            if isinstance(port, dict):
                bound = port.get("host_ip") == LOOPBACK
            else:
                parts = str(port).split("/")[0].split(":")
                bound = len(parts) == 3 and parts[0] == LOOPBACK
            if not bound:
                exposed.append(f"{name}: {port!r}")
    assert not exposed, f"ports published beyond {LOOPBACK}: {exposed}"


def test_secrets_come_from_files(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    """A secret in the environment shows in ``docker inspect`` and every child process; a
    literal one would be shared by every deployment and land in git."""
    declared = compose.get("secrets") or {}
    problems = [
        f"secret {name} is not a file under ./secrets/"
        for name, secret in declared.items()
        if not str((secret or {}).get("file", "")).startswith("./secrets/")
    ]
    for name, service in services.items():
        env = environment(service)
        granted = {str(entry) for entry in service.get("secrets") or []}
        expected = SECRET_FILES.get(name, {})
        for key in expected.keys() - env.keys():
            problems.append(f"{name}: {key} is missing")
        for key, value in env.items():
            if key not in expected and not SECRET_NAME.search(key):
                continue
            secret = expected.get(key) or Path(value or "").name
            if not key.endswith("_FILE") or value != f"/run/secrets/{secret}":
                problems.append(f"{name}: {key} is not a file under /run/secrets/")
            elif secret not in granted or secret not in declared:
                problems.append(f"{name}: {key} names {secret}, not granted to the service")
    assert not problems, "\n".join(problems)


def test_secret_files_stay_out_of_git_and_images() -> None:
    for ignore_file in (".gitignore", ".dockerignore"):
        lines = (REPO_ROOT / ignore_file).read_text(encoding="utf-8").splitlines()
        assert {"secrets", "secrets/"} & set(lines), f"{ignore_file} does not ignore secrets/"


def test_app_connects_as_its_own_role_not_a_superuser(services: dict[str, dict[str, Any]]) -> None:
    """The role that owns the schema is made by the init script, without superuser rights."""
    url = environment(services["app"]).get("XIANGXING_DATABASE_URL") or ""
    parts = APP_DATABASE_URL.match(url)
    assert parts is not None, f"unexpected XIANGXING_DATABASE_URL (no password in it): {url!r}"
    assert parts["host"] == "db"
    role = parts["user"]
    assert role != environment(services["db"]).get("POSTGRES_USER")
    mounts = [str(volume) for volume in services["db"].get("volumes") or []]
    assert any(
        mount.startswith("./deploy/postgres/10-app-role.sh:/docker-entrypoint-initdb.d/")
        for mount in mounts
    )
    script = APP_ROLE_SCRIPT.read_text(encoding="utf-8")
    assert re.search(rf"CREATE ROLE {role} LOGIN NOSUPERUSER\b", script)
    assert f"ALTER SCHEMA public OWNER TO {role};" in script
    assert "$APP_DB_PASSWORD_FILE" in script, "the password comes from the secret file"


def test_app_waits_for_the_database_but_not_for_search(
    services: dict[str, dict[str, Any]],
) -> None:
    """``db upgrade`` needs the database; search degrades to the database while it is down."""
    depends_on = services["app"].get("depends_on")
    assert isinstance(depends_on, dict), "app.depends_on must use the long form with conditions"
    conditions = {name: (depends_on.get(name) or {}).get("condition") for name in ("db", "search")}
    assert conditions == {"db": "service_healthy", "search": "service_started"}


def test_every_service_is_limited_and_its_log_rotated(
    services: dict[str, dict[str, Any]],
) -> None:
    problems = []
    for name, service in services.items():
        limits = ((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}
        if not {"cpus", "memory"} <= limits.keys():
            problems.append(f"{name}: no cpu and memory limits")
        options = (service.get("logging") or {}).get("options") or {}
        if not {"max-size", "max-file"} <= options.keys():
            problems.append(f"{name}: log not rotated")
    assert not problems, problems


def test_service_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    """A floating tag changes the database or search engine under a restart."""
    floating = [
        f"{name}: {service.get('image')!r}"
        for name, service in services.items()
        if "build" not in service and not is_pinned(with_defaults(str(service.get("image", ""))))
    ]
    assert not floating, f"images without a version tag: {floating}"


def test_images_can_come_from_a_mirror(services: dict[str, dict[str, Any]]) -> None:
    """Docker Hub and ghcr.io are not reachable from every network: every image is a setting."""
    images = [str(services[name].get("image", "")) for name in ("db", "search")]
    images += [str(value) for value in services["app"]["build"].get("args", {}).values()]
    fixed = [image for image in images if DEFAULTED.match(image) is None]
    assert not fixed, f"images that cannot be replaced by a mirror: {fixed}"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_images_are_pinned(dockerfile: list[tuple[str, str]]) -> None:
    """Base images and ``COPY --from`` images (uv) must be reproducible; an ``ARG`` (a mirror
    may replace it) counts by its default."""
    stages: set[str] = set()
    references: list[str] = []
    defaults: dict[str, str] = {}
    for keyword, arguments in dockerfile:
        words = [
            re.sub(r"\$\{(\w+)\}", lambda m: defaults.get(m[1], m[0]), w) for w in arguments.split()
        ]
        if keyword == "ARG":
            name, _, value = arguments.partition("=")
            defaults.setdefault(name, value.strip('"'))
        elif keyword == "FROM":
            image = next(word for word in words if not word.startswith("--"))
            if image.lower() not in stages:
                references.append(image)
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages.add(words[-1].lower())
        elif keyword == "COPY":
            for word in words:
                source = word.removeprefix("--from=")
                if source != word and source.lower() not in stages and not source.isdigit():
                    references.append(source)
    assert references, "the Dockerfile names no image"
    floating = [reference for reference in references if not is_pinned(reference)]
    assert not floating, f"images without a version tag: {floating}"


def test_dockerfile_runs_as_a_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    users = [arguments for keyword, arguments in final_stage(dockerfile) if keyword == "USER"]
    assert users, "the final stage has no USER: the app would run as root"
    user = users[-1].partition(":")[0]
    assert user not in {"root", "0"}, f"the final stage runs as {users[-1]!r}"


def test_dockerfile_has_a_healthcheck(dockerfile: list[tuple[str, str]]) -> None:
    checks = [
        arguments for keyword, arguments in final_stage(dockerfile) if keyword == "HEALTHCHECK"
    ]
    assert checks, "the final stage has no HEALTHCHECK"
    assert checks[-1].upper() != "NONE"
    command = shell_command(checks[-1][checks[-1].index("CMD") + len("CMD") :].strip())
    assert "127.0.0.1:8000/health" in command


def test_dockerfile_migrates_before_serving(dockerfile: list[tuple[str, str]]) -> None:
    """Serving an unmigrated database fails at the first request; ``&&`` stops a failed start."""
    commands = [arguments for keyword, arguments in final_stage(dockerfile) if keyword == "CMD"]
    assert commands, "the final stage has no CMD"
    command = shell_command(commands[-1])
    assert re.search(r"xiangxing db upgrade\s*&&\s*(?:exec\s+)?xiangxing serve\b", command), (
        f"CMD does not run `xiangxing db upgrade && xiangxing serve`: {command!r}"
    )
    assert "--host 0.0.0.0" in command
    assert "--port 8000" in command


def test_dockerfile_configures_production(dockerfile: list[tuple[str, str]]) -> None:
    """Production mode makes the app refuse the development secret."""
    env: dict[str, str] = {}
    for keyword, arguments in final_stage(dockerfile):
        if keyword == "ENV":
            for word in shlex.split(arguments):
                name, _, value = word.partition("=")
                env[name] = value
    assert env.get("XIANGXING_ENV") == "production"
    assert "/app/.venv/bin" in env.get("PATH", "").split(":")
    assert ("EXPOSE", "8000") in final_stage(dockerfile)


def test_dockerfile_installs_the_project_editable(dockerfile: list[tuple[str, str]]) -> None:
    """Templates, static files and migrations are found next to the code, so it stays in /app."""
    runs = " ".join(arguments for keyword, arguments in dockerfile if keyword == "RUN")
    assert "uv sync --frozen --no-dev" in runs
    assert "--no-editable" not in runs
    assert ("WORKDIR", "/app") in dockerfile


# --- deploy/nginx.conf.example ------------------------------------------------------------------


def test_nginx_example_terminates_tls_and_forwards_the_client() -> None:
    config = NGINX_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"listen 443 ssl", config)
    assert re.search(r"ssl_certificate\s", config)
    size = re.search(r"client_max_body_size\s+(\d+)m;", config)
    assert size is not None, "imports of 10 MB need client_max_body_size"
    assert int(size.group(1)) >= 10
    assert re.search(
        r"proxy_set_header X-Forwarded-For \$(remote_addr|proxy_add_x_forwarded_for);", config
    )
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert "proxy_pass http://xiangxing;" in config
    assert re.search(r"upstream xiangxing \{[^}]*\n\s*server 127\.0\.0\.1:8000;", config), (
        "the app published by docker-compose.yml is the upstream's first instance"
    )
