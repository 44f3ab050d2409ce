"""Member accounts for the many-accounts check: a reader role in each account that the test
identity (in ACCOUNT) may assume, optionally only with an ExternalId, optionally denied some
reads, or missing altogether; and an AWS Organization of ACCOUNT with member accounts of fixed ids.

Scenario keys (see ../README.md, "Scenario format"):

    "accounts": [{"id": "111111111111", "role": "batchwatch-reader", "externalId": "x-1",
                  "deny": ["states:ListStateMachines"], "missingRole": false}]
    "organization": {"accounts": [{"id": "111111111111", "name": "prod", "status": "ACTIVE"}]}
"""

from __future__ import annotations

import json
from typing import Any

from moto.iam.models import iam_backends
from moto.organizations.models import FakeAccount, organizations_backends

from .iam_setup import ACCOUNT, REGION


class _Error(ValueError):
    pass


def _error(message: str) -> Exception:
    from .seed import ScenarioError

    return ScenarioError(message)


def provision_reader(spec: Any, path: str) -> str | None:
    """Create the reader role in `spec["id"]`; return its ARN (`None` with `missingRole`)."""
    if not isinstance(spec, dict):
        raise _error(f"{path}: expected an object")
    account = spec.get("id")
    if not isinstance(account, str) or len(account) != 12 or not account.isdigit():
        raise _error(f"{path}.id: expected a 12-digit account id string")
    unknown = set(spec) - {"id", "role", "externalId", "deny", "missingRole"}
    if unknown:
        raise _error(f"{path}: unknown keys {sorted(unknown)}")
    if spec.get("missingRole"):
        return None
    name = spec.get("role", "batchwatch-reader")
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    }
    if spec.get("externalId"):
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": spec["externalId"]}}
    iam = iam_backends[account]["aws"]
    role = iam.create_role(
        role_name=name,
        assume_role_policy_document=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        path="/",
        permissions_boundary=None,
        description="test bed: batchwatch's reader role in a member account",
        tags=[],
        max_session_duration="3600",
    )
    documents = [("testbed-reader-allow", "Allow", ["*"])]
    if spec.get("deny"):
        documents.append(("testbed-reader-deny", "Deny", list(spec["deny"])))
    for policy_name, effect, actions in documents:
        policy = iam.create_policy(
            description="test bed",
            path="/",
            policy_document=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": actions, "Resource": "*"}]}
            ),
            policy_name=policy_name,
            tags=[],
        )
        iam.attach_role_policy(policy.arn, name)
    return role.arn


def create_organization(spec: Any, path: str) -> dict[str, Any]:
    """An Organization whose management account is ACCOUNT, with members of the given ids."""
    if not isinstance(spec, dict) or not isinstance(spec.get("accounts", []), list):
        raise _error(f"{path}: expected an object with a list of accounts")
    backend = organizations_backends[ACCOUNT]["aws"]
    if backend.org is None:
        backend.create_organization(REGION, FeatureSet="ALL")
    created = []
    for i, member in enumerate(spec.get("accounts", [])):
        account_id, name = member.get("id"), member.get("name")
        if not isinstance(account_id, str) or len(account_id) != 12 or not isinstance(name, str):
            raise _error(f"{path}.accounts[{i}]: needs a 12-digit id and a name")
        account = FakeAccount(backend.org, AccountName=name, Email=f"{name}@example.com")
        account.id = account_id
        status = member.get("status", "ACTIVE")
        account.status = status
        account.state = status
        backend.accounts.append(account)
        created.append(account_id)
    return {"id": backend.org.id, "accounts": created}
