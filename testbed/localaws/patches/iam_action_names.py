"""Patch: judge requests by their IAM action name, not by their SigV4 signing name.

moto 5.2.1 names the action it checks against IAM policies `<signing name>:<Operation>`
(moto/iam/access_control.py, IAMRequestBase.__init__). For most services the two agree,
but CloudWatch signs as `monitoring` while its IAM actions are `cloudwatch:*`; so a policy
that denies `cloudwatch:GetMetricData`, as a real account's would, was never applied, and
an AccessDenied message named a `monitoring:` action that does not exist in IAM.
"""

from __future__ import annotations

from typing import Any

from moto.iam.access_control import IAMRequestBase

# SigV4 signing name -> IAM service prefix, where they differ.
IAM_PREFIXES = {"monitoring": "cloudwatch"}

_original_init = IAMRequestBase.__init__


def _init(self: IAMRequestBase, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    service, _, operation = self._action.partition(":")
    if service in IAM_PREFIXES:
        self._action = f"{IAM_PREFIXES[service]}:{operation}"


def apply() -> None:
    """Rename the action moto checks against IAM policies to its IAM name."""
    IAMRequestBase.__init__ = _init  # type: ignore[method-assign]
