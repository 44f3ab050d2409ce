"""The test identity: an IAM user with an access key, an allow-all policy, optional explicit
denies, and a role the user may assume. Created directly in moto's IAM backend.

moto's own IAM enforcement then judges every signed request: an action in `deny` is
refused with AccessDenied by moto, exactly as a real explicit Deny would be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from moto.iam.models import iam_backends

ACCOUNT = "123456789012"
REGION = "us-east-1"
USER = "batchwatch-test"
ROLE = "batchwatch-test-role"


@dataclass(frozen=True)
class Identity:
    """The credentials and names a test uses."""

    access_key_id: str
    secret_access_key: str
    user_arn: str
    role_arn: str

    def as_json(self) -> dict[str, str]:
        return {
            "access_key_id": self.access_key_id,
            "secret_access_key": self.secret_access_key,
            "user_arn": self.user_arn,
            "role_arn": self.role_arn,
            "region": REGION,
            "account": ACCOUNT,
        }


def _policy(effect: str, actions: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": actions, "Resource": "*"}],
        }
    )


def provision(deny: list[str]) -> Identity:
    """Create the user, key, policies and role in a freshly reset IAM backend."""
    iam = iam_backends[ACCOUNT]["aws"]
    user = iam.create_user(REGION, USER)
    key = iam.create_access_key(USER)
    policies = [
        iam.create_policy(
            description="test bed: everything",
            path="/",
            policy_document=_policy("Allow", ["*"]),
            policy_name="testbed-allow-all",
            tags=[],
        )
    ]
    if deny:
        policies.append(
            iam.create_policy(
                description="test bed: explicit denies",
                path="/",
                policy_document=_policy("Deny", list(deny)),
                policy_name="testbed-deny",
                tags=[],
            )
        )
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", user.arn]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    role = iam.create_role(
        role_name=ROLE,
        assume_role_policy_document=trust,
        path="/",
        permissions_boundary=None,
        description="test bed: role assumed through a profile's role_arn",
        tags=[],
        max_session_duration="3600",
    )
    for policy in policies:
        iam.attach_user_policy(policy.arn, USER)
        iam.attach_role_policy(policy.arn, ROLE)
    return Identity(key.access_key_id, key.secret_access_key, user.arn, role.arn)
