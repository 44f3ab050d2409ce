"""Patch: STS AssumeRole into another account honours the role's trust policy.

moto 5.2.1's `STSBackend.assume_role` hands out credentials for any role ARN, existing or not
("the role does not need to exist"), and ignores `ExternalId`. Credentials for a role that
does not exist then fail on first use with an error AWS never gives. AWS refuses the
AssumeRole call itself: `AccessDenied` ("... is not authorized to perform: sts:AssumeRole on
resource: ..."), HTTP 403, when the role is missing, its trust policy does not name the
caller's account, or its `sts:ExternalId` condition is not met. This patch does the same for
roles in accounts other than the test identity's own (whose role the profile tests assume).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import AccessDeniedError
from moto.iam.models import iam_backends
from moto.sts.models import STSBackend

from ..iam_setup import ACCOUNT

_original = STSBackend.assume_role


def _trusts(document: Any, caller_account: str, external_id: str | None) -> bool:
    policy = json.loads(document) if isinstance(document, str) else document
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow" or "sts:AssumeRole" not in str(statement.get("Action")):
            continue
        principals = statement.get("Principal", {}).get("AWS", [])
        principals = principals if isinstance(principals, list) else [principals]
        if not any(f":{caller_account}:" in p or p == caller_account for p in principals):
            continue
        wanted = statement.get("Condition", {}).get("StringEquals", {}).get("sts:ExternalId")
        if wanted is None or wanted == external_id:
            return True
    return False


def _assume_role(self: STSBackend, region_name: str, role_session_name: str, role_arn: str, policy: str,
                 duration: int, external_id: str) -> Any:
    target = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ACCOUNT
    if target != ACCOUNT:
        name = role_arn.split("/")[-1]
        role = next((r for r in iam_backends[target]["aws"].roles.values() if r.name == name), None)
        if role is None or not _trusts(role.assume_role_policy_document, self.account_id, external_id or None):
            raise AccessDeniedError(
                f"arn:aws:iam::{self.account_id}:user/batchwatch-test", f"sts:AssumeRole on resource: {role_arn}")
    return _original(self, region_name, role_session_name, role_arn, policy, duration, external_id)


def apply() -> None:
    """Make AssumeRole into other accounts check the role and its trust policy."""
    STSBackend.assume_role = _assume_role  # type: ignore[method-assign]
