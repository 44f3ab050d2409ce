"""Corrections to moto 5.2.1, one module per flaw; each module's docstring says why.

`apply_all()` installs them all; call it once, before the server answers a request.
"""

from . import (
    auth_errors,
    cloudwatch_alarm_history,
    cloudwatch_alarm_types,
    cloudwatch_get_metric_data,
    fault_responses,
    iam_action_names,
    query_parser_prefix_index,
    sigv4_verifier,
    stepfunctions_seeded,
    sts_assume_role_trust,
)


def apply_all() -> None:
    """Install every patch."""
    sigv4_verifier.apply()
    auth_errors.apply()
    iam_action_names.apply()
    fault_responses.apply()
    stepfunctions_seeded.apply()
    cloudwatch_alarm_history.apply()
    cloudwatch_alarm_types.apply()
    cloudwatch_get_metric_data.apply()
    sts_assume_role_trust.apply()
    query_parser_prefix_index.apply()
