#!/usr/bin/env python3
"""Smoke test of the local AWS test bed, with boto3 and raw signed requests.

Starts ../server.py as a child (--exit-on-stdin-eof), checks every feature the Swift tests
rely on, and exits non-zero on the first failure. Runs in a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "server.py")
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
CW_NS = "{http://monitoring.amazonaws.com/doc/2010-08-01/}"

checks = 0


def check(condition: bool, what: str) -> None:
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


class Bed:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, SERVER, "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline()
        self.info = json.loads(line)
        self.endpoint = self.info["endpoint"]

    def control(self, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data,
                                         method="GET" if body is None else "POST")
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def reset(self, deny: list[str] | None = None) -> None:
        self.info.update(self.control("/_testbed/reset", {"deny": deny or []}))

    def client(self, service: str, secret: str | None = None, region: str = "us-east-1",
               config: Config | None = None, **creds: str):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region, config=config,
            aws_access_key_id=creds.get("key", self.info["access_key_id"]),
            aws_secret_access_key=secret or creds.get("secret", self.info["secret_access_key"]),
            aws_session_token=creds.get("token"),
        )

    def raw(self, service: str, body: str, headers: dict[str, str], secret: str | None = None,
            extra_signed: dict[str, str] | None = None) -> tuple[int, str]:
        """POST a signed request; extra_signed headers are signed although botocore never would."""
        credentials = Credentials(self.info["access_key_id"], secret or self.info["secret_access_key"])
        request = AWSRequest("POST", self.endpoint + "/", data=body.encode(), headers=dict(headers))
        signer = SigV4Auth(credentials, service, "us-east-1")
        if extra_signed:
            for name, value in extra_signed.items():
                request.headers[name] = value
            original = signer.headers_to_sign

            def headers_to_sign(req):  # sign the extra headers too
                signed = original(req)
                for name, value in extra_signed.items():
                    signed[name.lower()] = value
                return signed

            signer.headers_to_sign = headers_to_sign
        signer.add_auth(request)
        prepared = request.prepare()
        http = urllib.request.Request(prepared.url, data=prepared.body, method="POST",
                                      headers=dict(prepared.headers))
        try:
            with urllib.request.urlopen(http) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=10)


def error_code(call) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return "no error"


def iso(moment: datetime) -> str:
    return moment.isoformat()


def zulu(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def query(params: dict[str, str]) -> str:
    return urllib.parse.urlencode(params)


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def test_signatures(bed: Bed) -> None:
    check("stateMachines" in bed.client("stepfunctions").list_state_machines(), "signed ListStateMachines")
    check("MetricAlarms" in bed.client("cloudwatch").describe_alarms(), "signed DescribeAlarms")
    sched = bed.client("scheduler")
    check("Schedules" in sched.list_schedules(), "REST GET without query (moto flaw a)")
    check("Schedules" in sched.list_schedules(State="ENABLED", NamePrefix="a b"), "REST GET with query")
    identity = bed.client("sts").get_caller_identity()
    check(identity["Arn"] == bed.info["user_arn"], "GetCallerIdentity is the test user")
    # (b) a header botocore's verifier would drop, signed by the client
    status, _ = bed.raw("states", "{}", {"Content-Type": "application/x-amz-json-1.0",
                                        "X-Amz-Target": "AWSStepFunctions.ListStateMachines"},
                        extra_signed={"User-Agent": "batchwatch/0.1"})
    check(status == 200, f"signed user-agent header accepted (moto flaw b), got {status}")
    status, body = bed.raw("monitoring", query({"Action": "DescribeAlarms", "Version": "2010-08-01"}), FORM)
    check(status == 200 and "DescribeAlarmsResult" in body, "signed Query DescribeAlarms")
    # refused
    wrong = "A" * 40
    check(error_code(lambda: bed.client("stepfunctions", secret=wrong).list_state_machines())
          == "InvalidSignatureException", "wrong secret refused (JSON)")
    check(error_code(lambda: bed.client("scheduler", secret=wrong).list_schedules())
          == "InvalidSignatureException", "wrong secret refused (REST-JSON)")
    status, body = bed.raw("monitoring", query({"Action": "DescribeAlarms", "Version": "2010-08-01"}),
                           FORM, secret=wrong)
    code = ET.fromstring(body).find(f"{CW_NS}Error/{CW_NS}Code")
    check(status == 403 and code is not None and code.text == "SignatureDoesNotMatch",
          f"wrong secret refused (Query XML): {status} {body[:200]}")
    check(error_code(lambda: bed.client("stepfunctions", key="AKIAIOSFODNN7EXAMPLE").list_state_machines())
          == "UnrecognizedClientException", "unknown key refused")
    status, _ = bed.raw("states", "{}", {"Content-Type": "application/x-amz-json-1.0",
                                        "X-Amz-Target": "AWSStepFunctions.ListStateMachines"},
                        extra_signed={"X-Tampered": "yes"})
    check(status == 400, "a signed header missing from the request is refused")


def scenario(day: datetime) -> dict:
    d = lambda h, m=0: iso(day + timedelta(hours=h, minutes=m))  # noqa: E731
    return {
        "stateMachines": [
            {"name": "nightly-etl", "type": "STANDARD", "executions": [
                {"start": d(-22), "stop": d(-21), "status": "SUCCEEDED"},
                {"start": d(2), "stop": d(2, 14), "status": "FAILED",
                 "failure": {"state": "LoadToRedshift", "error": "States.TaskFailed",
                             "cause": "connection refused"}},
                {"start": d(3), "stop": d(5), "status": "TIMED_OUT", "failure": {"state": "Wait"}},
                {"start": d(4), "stop": d(4, 30), "status": "SUCCEEDED", "redriveCount": 1,
                 "redriveDate": d(4, 20), "redriveStatus": "NOT_REDRIVABLE",
                 "failure": {"state": "Extract", "error": "Lambda.Unknown", "cause": "boom"}},
                {"start": d(6), "status": "RUNNING"},
                {"start": d(7), "stop": d(7, 5), "status": "FAILED",
                 "failure": {"mapRun": {"state": "ProcessFiles", "failedItems": 3, "totalItems": 40}}},
            ]},
            {"name": "stream-express", "type": "EXPRESS", "region": "ap-northeast-1"},
        ],
        "alarms": [
            {"name": "etl-errors", "history": [
                {"at": d(1), "state": "ALARM", "reason": "Threshold Crossed: 1 datapoint [2.0] >= 1.0",
                 "reasonData": {"version": "1.0", "recentDatapoints": [2.0], "threshold": 1.0}},
                {"at": d(1, 30), "state": "OK", "reason": "Threshold Crossed: back"},
                {"at": d(5), "state": "ALARM", "reason": "again"},
                {"at": d(30), "state": "OK", "reason": "next day"},
            ]},
            {"name": "batch-all", "type": "composite", "rule": "ALARM(etl-errors)",
             "history": [{"at": d(1, 1), "state": "ALARM", "reason": "etl-errors in ALARM"}]},
        ],
        "topics": [{"name": "batch-alerts", "subscribeQueue": "batch-alerts-inbox"}],
    }


def test_executions(bed: Bed, day: datetime, seeded: dict) -> None:
    sfn = bed.client("stepfunctions")
    machines = {m["name"]: m for m in sfn.list_state_machines()["stateMachines"]}
    check(machines["nightly-etl"]["type"] == "STANDARD", "ListStateMachines has type")
    tokyo = bed.client("stepfunctions", region="ap-northeast-1").list_state_machines()["stateMachines"]
    check([m["type"] for m in tokyo] == ["EXPRESS"], "EXPRESS machine in its region")
    check(error_code(lambda: bed.client("stepfunctions", region="ap-northeast-1").list_executions(
        stateMachineArn=tokyo[0]["stateMachineArn"])) == "StateMachineTypeNotSupported",
        "ListExecutions refuses EXPRESS")
    arn = seeded["stateMachines"]["nightly-etl"]
    pages, token = [], None
    while True:
        kwargs = {"stateMachineArn": arn, "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = sfn.list_executions(**kwargs)
        pages.append(page["executions"])
        token = page.get("nextToken")
        if not token:
            break
    runs = [e for p in pages for e in p]
    check(len(pages) == 3 and all(len(p) == 2 for p in pages), f"3 pages of 2, got {[len(p) for p in pages]}")
    starts = [e["startDate"] for e in runs]
    check(starts == sorted(starts, reverse=True) and len(runs) == 6, "newest first, all runs")
    check(starts[0] == day + timedelta(hours=7), "startDate is the seeded instant")
    by_status = {e["status"]: e for e in runs}
    check("stopDate" in by_status["TIMED_OUT"] and "stopDate" not in by_status["RUNNING"], "stopDate rules")
    redriven = [e for e in runs if e.get("redriveCount")]
    check(len(redriven) == 1 and redriven[0]["status"] == "SUCCEEDED", "redrive fields in ListExecutions")
    described = sfn.describe_execution(executionArn=redriven[0]["executionArn"])
    check(described["redriveStatus"] == "NOT_REDRIVABLE" and described["redriveCount"] == 1, "DescribeExecution redrive")
    first_failed = next(e for e in runs if e["status"] == "FAILED" and e["startDate"] == day + timedelta(hours=2))
    history = sfn.get_execution_history(executionArn=first_failed["executionArn"], reverseOrder=True, maxResults=3)
    events = history["events"]
    check(events[0]["type"] == "ExecutionFailed"
          and events[0]["executionFailedEventDetails"] == {"error": "States.TaskFailed", "cause": "connection refused"},
          "history newest first: ExecutionFailed with error and cause")
    check(events[0]["timestamp"] == day + timedelta(hours=2, minutes=14), "ExecutionFailed at stop")
    check(events[1]["type"] == "TaskFailed" and "nextToken" in history, "TaskFailed next, more pages")
    rest = sfn.get_execution_history(executionArn=first_failed["executionArn"], reverseOrder=True,
                                     maxResults=3, nextToken=history["nextToken"])["events"]
    all_events = events + rest
    check([e["id"] for e in all_events] == list(range(len(all_events), 0, -1)), "pages join, ids descending")
    entered = next(e for e in all_events if e["type"] == "TaskStateEntered")
    check(entered["stateEnteredEventDetails"]["name"] == "LoadToRedshift", "failing state name")
    check(error_code(lambda: sfn.get_execution_history(executionArn=first_failed["executionArn"],
                                                       reverseOrder=False, nextToken=history["nextToken"]))
          != "no error", "a nextToken for another order is refused")
    map_run = next(e for e in runs if e["startDate"] == day + timedelta(hours=7))
    events = sfn.get_execution_history(executionArn=map_run["executionArn"], reverseOrder=True, maxResults=5)["events"]
    map_failed = next(e for e in events if e["type"] == "MapRunFailed")
    check(map_failed["mapRunFailedEventDetails"]["error"] == "States.ExceedToleratedFailureThreshold", "MapRunFailed")
    run_arn = next(e for e in seeded["executions"] if "mapRunArn" in e)["mapRunArn"]
    check(sfn.describe_map_run(mapRunArn=run_arn)["itemCounts"]["failed"] == 3, "DescribeMapRun failed items")
    timed_out = by_status["TIMED_OUT"]
    last = sfn.get_execution_history(executionArn=timed_out["executionArn"], reverseOrder=True, maxResults=1)["events"][0]
    check(last["type"] == "ExecutionTimedOut" and last["executionTimedOutEventDetails"]["error"] == "States.Timeout",
          "ExecutionTimedOut")


def test_alarm_history(bed: Bed, day: datetime) -> None:
    cw = bed.client("cloudwatch")
    alarms = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    check(alarms["MetricAlarms"][0]["StateValue"] == "OK" and alarms["CompositeAlarms"][0]["StateValue"] == "ALARM",
          "current alarm states")
    check(cw.describe_alarms()["CompositeAlarms"] == [], "no AlarmTypes: metric alarms only, as AWS")
    window = {"StartDate": day, "EndDate": day + timedelta(days=1), "HistoryItemType": "StateUpdate"}
    items, token, pages = [], None, 0
    while True:
        page = cw.describe_alarm_history(MaxRecords=2, **window, **({"NextToken": token} if token else {}))
        items += page["AlarmHistoryItems"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    check(pages == 2 and len(items) == 4, f"window holds 4 items in 2 pages, got {len(items)} in {pages}")
    check([i["Timestamp"] for i in items] == sorted([i["Timestamp"] for i in items], reverse=True), "newest first")
    first = items[-1]
    check(first["HistorySummary"] == "Alarm updated from OK to ALARM" and first["AlarmName"] == "etl-errors", "summary")
    data = json.loads(first["HistoryData"])
    check(data["newState"]["stateValue"] == "ALARM" and data["newState"]["stateReasonData"]["threshold"] == 1.0,
          "HistoryData newState")
    composite = [i for i in items if i["AlarmType"] == "CompositeAlarm"]
    check(len(composite) == 1, "composite alarm history")
    # The Query protocol, as batchwatch speaks it: XML from moto's serializer, paginated.
    params = {"Action": "DescribeAlarmHistory", "Version": "2010-08-01", "AlarmName": "etl-errors",
              "HistoryItemType": "StateUpdate", "StartDate": zulu(day),
              "EndDate": zulu(day + timedelta(days=1)), "MaxRecords": "2"}
    status, body = bed.raw("monitoring", query(params), FORM)
    root = ET.fromstring(body)
    members = root.findall(f"{CW_NS}DescribeAlarmHistoryResult/{CW_NS}AlarmHistoryItems/{CW_NS}member")
    next_token = root.find(f"{CW_NS}DescribeAlarmHistoryResult/{CW_NS}NextToken")
    check(status == 200 and len(members) == 2 and next_token is not None, f"Query XML page 1: {body[:300]}")
    status, body = bed.raw("monitoring", query({**params, "NextToken": next_token.text}), FORM)
    root = ET.fromstring(body)
    members = root.findall(f"{CW_NS}DescribeAlarmHistoryResult/{CW_NS}AlarmHistoryItems/{CW_NS}member")
    check(status == 200 and len(members) == 1 and root.find(f"{CW_NS}DescribeAlarmHistoryResult/{CW_NS}NextToken") is None,
          "Query XML page 2 is the last")
    check(members[0].find(f"{CW_NS}Timestamp").text == zulu(day + timedelta(hours=1)),
          "oldest item last, Timestamp in ISO 8601 UTC")
    cw.set_alarm_state(AlarmName="etl-errors", StateValue="ALARM", StateReason="set by test")
    latest = cw.describe_alarm_history(AlarmName="etl-errors", MaxRecords=1)["AlarmHistoryItems"][0]
    check(latest["HistorySummary"] == "Alarm updated from OK to ALARM"
          and json.loads(latest["HistoryData"])["newState"]["stateReason"] == "set by test", "SetAlarmState recorded")


def test_sns_to_sqs(bed: Bed, seeded: dict) -> None:
    topic = seeded["topics"]["batch-alerts"]
    bed.client("sns").publish(TopicArn=topic["topicArn"], Subject="batchwatch: 2 problems", Message="digest body")
    messages = bed.client("sqs").receive_message(QueueUrl=topic["queueUrl"], WaitTimeSeconds=1)["Messages"]
    envelope = json.loads(messages[0]["Body"])
    check(envelope["Subject"] == "batchwatch: 2 problems" and envelope["Message"] == "digest body", "SNS -> SQS")


def test_assume_role(bed: Bed) -> None:
    role = bed.client("sts").assume_role(RoleArn=bed.info["role_arn"], RoleSessionName="batchwatch")["Credentials"]
    temp = {"key": role["AccessKeyId"], "secret": role["SecretAccessKey"], "token": role["SessionToken"]}
    who = bed.client("sts", **temp).get_caller_identity()
    check(":assumed-role/batchwatch-test-role/batchwatch" in who["Arn"], f"assumed role identity {who['Arn']}")
    check("stateMachines" in bed.client("stepfunctions", **temp).list_state_machines(), "call with session token")
    check(error_code(lambda: bed.client("stepfunctions", key=temp["key"], secret=temp["secret"],
                                        token="wrong").list_state_machines()) != "no error", "wrong session token refused")


def test_access_denied(bed: Bed, day: datetime) -> None:
    bed.reset(deny=["states:GetExecutionHistory", "cloudwatch:DescribeAlarmHistory", "cloudwatch:GetMetricData"])
    seeded = bed.control("/_testbed/seed", scenario(day))
    sfn = bed.client("stepfunctions")
    runs = sfn.list_executions(stateMachineArn=seeded["stateMachines"]["nightly-etl"])["executions"]
    check(len(runs) == 6, "other calls still allowed")
    check(error_code(lambda: sfn.get_execution_history(executionArn=runs[0]["executionArn"]))
          == "AccessDeniedException", "denied action answers AccessDeniedException")
    check(error_code(lambda: bed.client("cloudwatch").describe_alarm_history()) == "AccessDenied",
          "cloudwatch: IAM names apply to CloudWatch (signed as monitoring)")
    status, body = bed.raw("monitoring", query({"Action": "DescribeAlarmHistory", "Version": "2010-08-01"}), FORM)
    check(status == 403 and ET.fromstring(body).find(f"{CW_NS}Error/{CW_NS}Code").text == "AccessDenied",
          "AccessDenied in Query XML")
    check("MetricAlarms" in bed.client("cloudwatch").describe_alarms(), "other CloudWatch calls allowed")
    denied = get_metric_data(bed, [metric_query("m", "ExecutionsFailed", seeded["stateMachines"]["nightly-etl"], 60)],
                             day, day + timedelta(days=1))
    check(denied[0] == 403 and denied[3] == "AccessDenied", f"GetMetricData denied: {denied}")
    check(bed.control("/_testbed/calls")["calls"].get("monitoring:GetMetricData") == 1, "denied call counted")
    bed.reset()
    check(bed.client("stepfunctions").list_state_machines()["stateMachines"] == [], "reset clears state")


def test_faults_and_calls(bed: Bed) -> None:
    bed.control("/_testbed/calls/reset", {})
    bed.control("/_testbed/faults", {"rate": 0.2, "kinds": ["500", "503", "throttle"], "seed": 7})
    sfn = bed.client("stepfunctions", config=NO_RETRIES)
    codes = [error_code(sfn.list_state_machines) for _ in range(200)]
    failed = [c for c in codes if c != "no error"]
    check(20 <= len(failed) <= 60, f"about 20% injected, got {len(failed)}/200")
    check(set(failed) <= {"InternalFailure", "ServiceUnavailable", "ThrottlingException"}, f"codes {set(failed)}")
    check(len(set(failed)) == 3, "all three kinds drawn")
    statuses = {}
    try:
        for _ in range(50):
            sfn.list_state_machines()
    except ClientError as error:
        statuses[error.response["Error"]["Code"]] = error.response["ResponseMetadata"]["HTTPStatusCode"]
    for _ in range(60):
        status, body = bed.raw("monitoring", query({"Action": "DescribeAlarms", "Version": "2010-08-01"}), FORM)
        if status != 200:
            code = ET.fromstring(body).find(f"{CW_NS}Error/{CW_NS}Code").text
            check(code in ("InternalFailure", "ServiceUnavailable", "Throttling"), f"Query fault code {code}")
            check({"InternalFailure": 500, "ServiceUnavailable": 503, "Throttling": 400}[code] == status, "fault status")
    calls = bed.control("/_testbed/calls")
    check(calls["calls"]["states:ListStateMachines"] >= 200 and calls["calls"]["monitoring:DescribeAlarms"] == 60,
          f"calls counted: {calls['calls']}")
    check(sum(calls["faults"].values()) >= len(failed), "faults counted")
    bed.control("/_testbed/faults", {"rate": 1, "kinds": ["html503"], "apis": ["states:ListExecutions"]})
    check("stateMachines" in sfn.list_state_machines(), "apis filter spares other APIs")
    try:
        sfn.list_executions(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")
        check(False, "html503 injected")
    except ClientError as error:
        check(error.response["ResponseMetadata"]["HTTPStatusCode"] == 503, "html503 status")
    bed.control("/_testbed/faults", {"rate": 0})
    check(all(error_code(sfn.list_state_machines) == "no error" for _ in range(30)), "rate 0 turns faults off")
    bed.control("/_testbed/calls/reset", {})
    bed.client("stepfunctions").list_state_machines()
    bed.client("cloudwatch").describe_alarm_history()
    check(bed.control("/_testbed/calls")["calls"] == {"states:ListStateMachines": 1, "monitoring:DescribeAlarmHistory": 1},
          "exact counts after reset")


def metric_query(query_id: str, name: str, arn: str | None, period: int, stat: str = "Sum",
                 return_data: bool = True) -> dict:
    """One MetricStat query on AWS/States, per machine (arn) or account-level (None)."""
    metric: dict = {"Namespace": "AWS/States", "MetricName": name}
    if arn:
        metric["Dimensions"] = [{"Name": "StateMachineArn", "Value": arn}]
    query = {"Id": query_id, "MetricStat": {"Metric": metric, "Period": period, "Stat": stat}}
    if not return_data:
        query["ReturnData"] = False
    return query


def get_metric_data(bed: Bed, queries: list[dict], start: datetime, end: datetime,
                    **extra: str) -> tuple[int, list[dict], str | None, str | None]:
    """GetMetricData over the Query protocol, as batchwatch sends it: (status, results, next token, error code)."""
    params = {"Action": "GetMetricData", "Version": "2010-08-01", "StartTime": zulu(start), "EndTime": zulu(end), **extra}

    def flatten(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                flatten(f"{prefix}.{key}", item)
        elif isinstance(value, list):
            for i, item in enumerate(value, start=1):
                flatten(f"{prefix}.member.{i}", item)
        else:
            params[prefix] = str(value).lower() if isinstance(value, bool) else str(value)

    for i, q in enumerate(queries, start=1):
        flatten(f"MetricDataQueries.member.{i}", q)
    status, body = bed.raw("monitoring", query(params), FORM)
    root = ET.fromstring(body)
    if status != 200:
        return status, [], None, root.find(f"{CW_NS}Error/{CW_NS}Code").text
    results = []
    for member in root.findall(f"{CW_NS}GetMetricDataResult/{CW_NS}MetricDataResults/{CW_NS}member"):
        results.append({
            "id": member.find(f"{CW_NS}Id").text,
            "label": member.find(f"{CW_NS}Label").text,
            "timestamps": [t.text for t in member.findall(f"{CW_NS}Timestamps/{CW_NS}member")],
            "values": [float(v.text) for v in member.findall(f"{CW_NS}Values/{CW_NS}member")],
            "status": member.find(f"{CW_NS}StatusCode").text,
        })
    token = root.find(f"{CW_NS}GetMetricDataResult/{CW_NS}NextToken")
    return status, results, (token.text if token is not None else None), None


def test_metrics(bed: Bed, day: datetime, seeded: dict) -> None:
    arn = seeded["stateMachines"]["nightly-etl"]
    probe = bed.control("/_testbed/seed", {"stateMachines": [
        {"name": "metrics-probe", "executions": [
            {"start": iso(day + timedelta(hours=10, seconds=5)), "stop": iso(day + timedelta(hours=10, minutes=3)),
             "status": "SUCCEEDED"},
            {"start": iso(day + timedelta(hours=10, seconds=40)), "stop": iso(day + timedelta(hours=10, minutes=4)),
             "status": "ABORTED"}]},
        {"name": "no-metrics", "metrics": False, "executions": [
            {"start": iso(day + timedelta(hours=10)), "stop": iso(day + timedelta(hours=10, minutes=1)),
             "status": "FAILED", "failure": {"state": "Main"}}]},
        {"name": "express-events", "type": "EXPRESS", "executions": [
            {"start": iso(day + timedelta(hours=11)), "stop": iso(day + timedelta(hours=11, seconds=2)),
             "status": "FAILED", "failure": {"state": "Main"}}]},
    ]})["stateMachines"]
    window = (day - timedelta(days=1), day + timedelta(days=1))
    names = ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut",
             "ExecutionsAborted", "ExecutionsRedriven", "RedrivenExecutionsSucceeded"]
    queries = [metric_query(f"q{i}", name, arn, 86400 * 2) for i, name in enumerate(names)]
    queries += [metric_query("tmax", "ExecutionTime", arn, 86400 * 2, "Maximum"),
                metric_query("tcount", "ExecutionTime", arn, 86400 * 2, "SampleCount"),
                metric_query("account", "ExecutionsStarted", None, 86400 * 2)]
    status, results, token, _ = get_metric_data(bed, queries, *window)
    sums = {r["id"]: r["values"] for r in results}
    check(status == 200 and token is None and all(r["status"] == "Complete" for r in results), "GetMetricData answers")
    check([sums[f"q{i}"] for i in range(len(names))] == [[6.0], [2.0], [3.0], [1.0], [], [1.0], [1.0]],
          f"per-machine sums agree with the seeded runs (failed = 2 + a redrive's first attempt): {sums}")
    check(sums["tmax"] == [7_200_000.0], "Maximum ExecutionTime = the 2 h TIMED_OUT run, in ms")
    check(sums["tcount"] == [6.0], "ExecutionTime for 5 finished runs and 1 redriven first attempt; none for RUNNING")
    check(sums["account"] == [10.0], "account-level series (no dimensions): every machine in the region, also one "
          "whose own series was lost (metrics: false)")
    check(results[0]["label"] == "ExecutionsStarted"
          and results[0]["timestamps"] == [zulu(window[0])], "label = metric name; one datapoint at the period start")
    # one-minute resolution: datapoints at the minute of each start/stop
    status, results, _, _ = get_metric_data(bed, [metric_query("f", "ExecutionsFailed", arn, 60)], *window,
                                            ScanBy="TimestampAscending")
    failed_at = [zulu(day + timedelta(hours=h, minutes=m)) for h, m in ((2, 14), (4, 10), (7, 5))]
    check(results[0]["timestamps"] == failed_at and results[0]["values"] == [1.0] * 3,
          f"per-minute failures, only where data exists: {results[0]['timestamps']}")
    status, results, _, _ = get_metric_data(bed, [metric_query("f", "ExecutionsFailed", arn, 60)], *window)
    check(results[0]["timestamps"] == list(reversed(failed_at)), "ScanBy defaults to TimestampDescending")
    # StartTime is rounded down to the minute; buckets start there; datapoints sit in their minute
    probe_arn = probe["metrics-probe"]
    status, results, _, _ = get_metric_data(
        bed, [metric_query("s", "ExecutionsStarted", probe_arn, 60), metric_query("p", "ExecutionsStarted", probe_arn, 300),
              metric_query("t", "ExecutionTime", probe_arn, 300, "Maximum")],
        day + timedelta(hours=10, seconds=7), day + timedelta(hours=11))
    by_id = {r["id"]: r for r in results}
    check(by_id["s"]["timestamps"] == [zulu(day + timedelta(hours=10))] and by_id["s"]["values"] == [2.0],
          f"StartTime 10:00:07 rounds to 10:00; both starts in minute 10:00: {by_id['s']}")
    check(by_id["p"]["timestamps"] == [zulu(day + timedelta(hours=10))], "5-minute bucket starts at 10:00")
    check(by_id["t"]["values"] == [200_000.0] and by_id["t"]["timestamps"] == [zulu(day + timedelta(hours=10))],
          "ExecutionTime at stop, in ms: the larger of 175 s and 200 s in [10:00, 10:05)")
    status, results, _, _ = get_metric_data(
        bed, [metric_query("a", "ExecutionsAborted", probe_arn, 60), metric_query("n", "ExecutionsStarted", probe["no-metrics"], 60),
              metric_query("x", "ExecutionsFailed", probe["express-events"], 60)], *window)
    by_id = {r["id"]: r for r in results}
    check(by_id["a"]["timestamps"] == [zulu(day + timedelta(hours=10, minutes=4))], "ExecutionsAborted at stop")
    check(by_id["n"]["values"] == [] and by_id["n"]["status"] == "Complete", '"metrics": false: absent although it ran')
    check(by_id["x"]["values"] == [1.0], "EXPRESS machines publish the same metrics")
    # pagination: 6 + 3 datapoints, pages of 2, every page lists both queries
    paged = [metric_query("st", "ExecutionsStarted", arn, 60), metric_query("fa", "ExecutionsFailed", arn, 60)]
    merged: dict[str, list[float]] = {"st": [], "fa": []}
    pages, token, first_statuses = 0, None, None
    while True:
        status, results, token, _ = get_metric_data(bed, paged, *window, MaxDatapoints="2",
                                                    **({"NextToken": token} if token else {}))
        pages += 1
        first_statuses = first_statuses or [r["status"] for r in results]
        check([r["id"] for r in results] == ["st", "fa"], "every page lists every query")
        for r in results:
            merged[r["id"]] += r["values"]
        if not token:
            break
    check(pages == 5 and merged == {"st": [1.0] * 6, "fa": [1.0] * 3}, f"9 datapoints in 5 pages of 2: {pages} {merged}")
    check(first_statuses == ["PartialData", "PartialData"], "PartialData while datapoints remain")
    check(get_metric_data(bed, paged, *window, NextToken="bm90IGEgdG9rZW4=")[3] == "InvalidNextToken", "bad NextToken")
    # limits
    many = [metric_query(f"m{i}", "ExecutionsFailed", arn, 86400 * 2) for i in range(501)]
    check(get_metric_data(bed, many, *window)[3] == "ValidationError", "more than 500 queries refused")
    status, results, _, _ = get_metric_data(bed, many[:500], *window)
    check(status == 200 and len(results) == 500, "500 queries in one call")
    # metric math
    failures = [metric_query("m1", "ExecutionsFailed", arn, 86400 * 2, return_data=False),
                metric_query("m2", "ExecutionsTimedOut", arn, 86400 * 2, return_data=False),
                metric_query("m3", "ExecutionsAborted", arn, 86400 * 2, return_data=False)]
    status, results, _, _ = get_metric_data(bed, failures + [
        {"Id": "total", "Expression": "SUM(METRICS())", "Label": "failures"},
        {"Id": "plus", "Expression": "m1+m2+m3"},
        {"Id": "filled", "Expression": "FILL(m1,0)+FILL(m2,0)+FILL(m3,0)"},
        {"Id": "arr", "Expression": "MAX([m1, m2])"}], *window)
    by_id = {r["id"]: r for r in results}
    check([r["id"] for r in results] == ["total", "plus", "filled", "arr"], "ReturnData=false hides the inputs")
    check(by_id["total"]["values"] == [4.0] and by_id["total"]["label"] == "failures", "SUM(METRICS())")
    check(by_id["plus"]["values"] == [], "m1+m2+m3 has no datapoint where m3 has none (series combine at shared timestamps)")
    check(by_id["filled"]["values"] == [4.0], f"FILL(m, 0) makes the sum work: {by_id['filled']}")
    status, results, _, _ = get_metric_data(bed, [metric_query("d", "ExecutionsFailed", arn, 86400, return_data=False),
                                                  {"Id": "e", "Expression": "FILL(d, 0)"}], *window)
    check(results[0]["values"] == [3.0, 0.0] and results[0]["timestamps"] == [zulu(day), zulu(window[0])],
          f"FILL gives every bucket of the window a value: {results}")
    check(by_id["arr"]["values"] == [3.0], "MAX([m1, m2])")
    check(get_metric_data(bed, failures + [{"Id": "e", "Expression": "RATE(m1)"}], *window)[3] == "ValidationError",
          "an unsupported function is an error, never an empty answer")
    calls = bed.control("/_testbed/calls")["calls"]
    check(calls.get("monitoring:GetMetricData", 0) >= 12, f"GetMetricData counted: {calls}")


def test_metrics_at_scale(bed: Bed) -> None:
    bed.reset()
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    machines = [{"name": f"scale-{m:03d}", "executions": [
        {"start": iso(now - timedelta(hours=18 * k, seconds=-m)), "stop": iso(now - timedelta(hours=18 * k, seconds=-m - 300)),
         **({"status": "FAILED", "failure": {"state": "Main"}} if k % 7 == 0 else {})}
        for k in range(40)]} for m in range(300)]
    started = time.monotonic()
    arns = list(bed.control("/_testbed/seed", {"stateMachines": machines})["stateMachines"].values())
    seeding = time.monotonic() - started
    check(seeding < 20, f"12,000 executions seeded in {seeding:.1f}s")
    started = time.monotonic()
    queries = [metric_query(f"q{i}", "ExecutionsStarted", a, 60) for i, a in enumerate(arns)]
    status, results, token, _ = get_metric_data(bed, queries, now - timedelta(days=31), now + timedelta(days=1))
    elapsed = time.monotonic() - started
    check(status == 200 and token is None and sum(len(r["values"]) for r in results) == 12_000,
          "300 queries at 60 s: every start, one page")
    check(elapsed < 10, f"300-query GetMetricData in {elapsed:.1f}s")
    failed = [metric_query(f"q{i}", "ExecutionsFailed", a, 86400 * 40) for i, a in enumerate(arns)]
    status, results, _, _ = get_metric_data(bed, failed, now - timedelta(days=31), now + timedelta(days=1))
    check(all(r["values"] == [6.0] for r in results), "6 failures per machine over the window")
    bed.reset()


def test_quotas(bed: Bed) -> None:
    bed.control("/_testbed/calls/reset", {})
    plan = {"latency_ms": 30, "buckets": {"states:ListStateMachines": {"capacity": 3, "refill_per_second": 1},
                                          "monitoring:DescribeAlarms": {"capacity": 1, "refill_per_second": 0}}}
    check(bed.control("/_testbed/quotas", plan)["buckets"]["states:ListStateMachines"]["capacity"] == 3, "plan echoed")
    sfn = bed.client("stepfunctions", config=NO_RETRIES)
    started = time.monotonic()
    codes = [error_code(sfn.list_state_machines) for _ in range(5)]
    elapsed = time.monotonic() - started
    check(codes[:3] == ["no error"] * 3 and codes[3:] == ["ThrottlingException"] * 2, f"bucket of 3: {codes}")
    check(elapsed >= 5 * 0.030, f"30 ms latency per call ({elapsed:.3f}s for 5)")
    try:
        sfn.list_state_machines()
        check(False, "still throttled")
    except ClientError as error:
        check(error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
              and error.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid"), "throttle: 400 + request id")
    time.sleep(1.0)  # 1 token per second: one back
    check(error_code(sfn.list_state_machines) == "no error", "the bucket refills")
    status, _ = bed.raw("monitoring", query({"Action": "DescribeAlarms", "Version": "2010-08-01"}), FORM)
    check(status == 200, "first DescribeAlarms admitted")
    status, body = bed.raw("monitoring", query({"Action": "DescribeAlarms", "Version": "2010-08-01"}), FORM)
    check(status == 400 and ET.fromstring(body).find(f"{CW_NS}Error/{CW_NS}Code").text == "Throttling",
          f"Query protocol: Throttling in XML: {status} {body[:200]}")
    check("AlarmHistoryItems" in bed.client("cloudwatch", config=NO_RETRIES).describe_alarm_history(), "APIs without a bucket are not throttled")
    calls = bed.control("/_testbed/calls")
    check(calls["throttled"] == {"monitoring:DescribeAlarms": 1, "states:ListStateMachines": 3}
          and calls["faults"] == {} and calls["calls"]["states:ListStateMachines"] == 7,
          f"throttles counted apart from faults, and as calls: {calls}")
    # thread safety: 20 concurrent calls on a bucket of 10 that never refills
    bed.control("/_testbed/quotas", {"buckets": {"states:ListStateMachines": {"capacity": 10, "refill_per_second": 0}}})
    from concurrent.futures import ThreadPoolExecutor
    clients = [bed.client("stepfunctions", config=NO_RETRIES) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(lambda c: error_code(c.list_state_machines), clients))
    check(codes.count("no error") == 10 and codes.count("ThrottlingException") == 10, f"exactly 10 admitted: {codes}")
    check(bed.control("/_testbed/quotas", {}) == {"latency_ms": 0.0, "buckets": {}}, "{} turns quotas off")
    check(all(error_code(sfn.list_state_machines) == "no error" for _ in range(15)), "no throttling when off")
    try:
        bed.control("/_testbed/quotas", {"buckets": {"states:ListExecutions": {"capacity": 0}}})
        check(False, "a bucket without capacity is refused")
    except urllib.error.HTTPError as error:
        check(error.code == 400, "invalid quota plan: 400")


def main() -> int:
    started = time.monotonic()
    bed = Bed()
    try:
        day = datetime(2026, 11, 20, tzinfo=timezone(timedelta(hours=9)))
        test_signatures(bed)
        seeded = bed.control("/_testbed/seed", scenario(day))
        test_executions(bed, day, seeded)
        test_alarm_history(bed, day)
        test_sns_to_sqs(bed, seeded)
        test_assume_role(bed)
        test_metrics(bed, day, seeded)
        test_faults_and_calls(bed)
        test_quotas(bed)
        test_metrics_at_scale(bed)
        test_access_denied(bed, day)
    finally:
        code = bed.stop()
    check(code == 0, "server exits on stdin EOF")
    print(f"testbed smoke test: {checks} checks passed in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
