import Foundation
import Testing

@testable import AWSClient
@testable import TestSupport

private struct Machine: Decodable, Equatable {
    let name: String
    let creationDate: Date
}

private struct ListMachines: Decodable, Equatable {
    let stateMachines: [Machine]
}

private struct ListRequest: Encodable, Sendable {
    let maxResults: Int
}

@Suite("JSON, Query and REST-JSON protocols")
struct ProtocolTests {
    @Test func jsonRequestShapeAndEpochDates() async throws {
        let transport = FakeTransport(script: [
            .success(jsonResponse(200, #"{"stateMachines": [{"name": "etl", "creationDate": 1767225600.125}]}"#))
        ])
        let client = makeClient(transport: transport)
        let result: ListMachines = try await client.json(
            .stepFunctions, target: "ListStateMachines", body: ListRequest(maxResults: 10))
        #expect(result.stateMachines.first?.creationDate == Date(timeIntervalSince1970: 1_767_225_600.125))
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://states.us-east-1.amazonaws.com/")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.0")
        #expect(request.headers["X-Amz-Target"] == "AWSStepFunctions.ListStateMachines")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"maxResults":10}"#)
        let authorization = try #require(request.headers["Authorization"])
        #expect(
            authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/states/aws4_request"))
        #expect(authorization.contains("content-type;host;x-amz-date;x-amz-target"))
    }

    @Test func sessionTokenIsSent() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, "{}"))])
        let temporary = AWSCredentials(accessKeyId: "ASIATEMP", secretAccessKey: "secret", sessionToken: "token-xyz")
        let client = makeClient(transport: transport, credentials: temporary)
        let _: [String: Int] = try await client.json(
            .stepFunctions, target: "ListStateMachines", body: ListRequest(maxResults: 1))
        #expect(transport.requests.first?.headers["X-Amz-Security-Token"] == "token-xyz")
    }

    @Test func queryRequestShape() async throws {
        let transport = FakeTransport(script: [
            .success(
                xmlResponse(
                    200,
                    "<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms/></DescribeAlarmsResult></DescribeAlarmsResponse>"
                ))
        ])
        let client = makeClient(transport: transport)
        let root = try await client.query(
            .cloudWatch, action: "DescribeAlarms", version: "2010-08-01",
            parameters: [("AlarmNames.member.1", "etl errors/a+b")])
        #expect(root.name == "DescribeAlarmsResponse")
        let request = try #require(transport.requests.first)
        #expect(request.url.absoluteString == "https://monitoring.us-east-1.amazonaws.com/")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=etl%20errors%2Fa%2Bb")
    }

    @Test func queryErrorIsDecoded() async throws {
        let transport = FakeTransport(script: [
            .success(
                xmlResponse(
                    400,
                    """
                    <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
                      <Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>The parameter AlarmNames is bad</Message></Error>
                      <RequestId>req-42</RequestId>
                    </ErrorResponse>
                    """))
        ])
        let client = makeClient(transport: transport)
        let error = await #expect(throws: AWSError.self) {
            _ = try await client.query(.cloudWatch, action: "DescribeAlarms", version: "2010-08-01", parameters: [])
        }
        #expect(error?.kind == .validation)
        #expect(
            error?.description
                == "monitoring:DescribeAlarms failed: InvalidParameterValue: The parameter AlarmNames is bad (HTTP 400, request id req-42)"
        )
    }

    @Test func errorTypeHeaderIsUsedWhenTheBodyHasNoType() async throws {
        let transport = FakeTransport(script: [
            .success(
                HTTPResponse(
                    status: 404,
                    headers: [
                        "x-amzn-ErrorType":
                            "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.scheduler/",
                        "x-amzn-RequestId": "sched-1",
                    ],
                    body: Data(#"{"Message": "Schedule nightly does not exist."}"#.utf8)))
        ])
        let client = makeClient(transport: transport)
        let error = await #expect(throws: AWSError.self) {
            let _: [String: String] = try await client.restJSON(
                .scheduler, method: "GET", path: "/schedules/nightly", query: [("groupName", "default")])
        }
        #expect(error?.kind == .notFound)
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.message == "Schedule nightly does not exist.")
        #expect(error?.requestId == "sched-1")
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(
            request.url.absoluteString
                == "https://scheduler.us-east-1.amazonaws.com/schedules/nightly?groupName=default")
    }

    @Test func restJSONEncodesPathAndQuery() async throws {
        let transport = FakeTransport(script: [.success(jsonResponse(200, #"{"Schedules": []}"#))])
        let client = makeClient(
            transport: transport, environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000/base/"])
        let _: [String: [String]] = try await client.restJSON(
            .scheduler, method: "GET", path: "/schedules", query: [("NamePrefix", "a b"), ("MaxResults", "100")])
        #expect(
            transport.requests.first?.url.absoluteString
                == "http://127.0.0.1:5000/base/schedules?NamePrefix=a%20b&MaxResults=100")
        #expect(transport.requests.first?.headers["Content-Type"] == nil)
    }

    @Test func emptyOrHTMLErrorBodiesStillExplainTheFailure() async throws {
        let client = makeClient(
            transport: FakeTransport(script: [.success(HTTPResponse(status: 502))]),
            retryPolicy: RetryPolicy(maxAttempts: 1))
        let error = await #expect(throws: AWSError.self) {
            _ = try await client.query(.sns, action: "Publish", version: "2010-03-31", parameters: [])
        }
        #expect(error?.kind == .service)
        #expect(error?.code == nil)
        #expect(error?.description.hasPrefix("sns:Publish failed: HTTP 502") == true)
        #expect(error?.description.contains("empty body") == true)

        let html = makeClient(
            transport: FakeTransport(script: [
                .success(HTTPResponse(status: 403, body: Data("<html><h1>Forbidden</h1>\n</html>".utf8)))
            ]))
        let htmlError = await #expect(throws: AWSError.self) {
            let _: [String: Int] = try await html.json(
                .stepFunctions, target: "ListStateMachines", body: ListRequest(maxResults: 1))
        }
        #expect(htmlError?.kind == .accessDenied)
        #expect(htmlError?.message.contains("<h1>Forbidden</h1>") == true)
    }

    @Test func unreadableSuccessIsReported() async throws {
        let client = makeClient(transport: FakeTransport(script: [.success(jsonResponse(200, "not json"))]))
        let error = await #expect(throws: AWSError.self) {
            let _: ListMachines = try await client.json(
                .stepFunctions, target: "ListStateMachines", body: ListRequest(maxResults: 1))
        }
        #expect(error?.kind == .unreadableResponse)
    }

    @Test func secretsEchoedByAServerAreMasked() async throws {
        let echo = #"{"__type": "ValidationException", "message": "bad key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}"#
        let client = makeClient(transport: FakeTransport(script: [.success(jsonResponse(400, echo))]))
        let error = await #expect(throws: AWSError.self) {
            let _: ListMachines = try await client.json(
                .stepFunctions, target: "ListStateMachines", body: ListRequest(maxResults: 1))
        }
        #expect(error?.description.contains(testCredentials.secretAccessKey) == false)
        #expect(error?.message == "bad key ****")
    }
}

@Suite("XML element tree")
struct XMLTests {
    @Test func multiMemberResponseWithTextInPieces() throws {
        // Entities make XMLParser deliver text in several foundCharacters pieces.
        let xml = """
            <DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
              <DescribeAlarmsResult>
                <MetricAlarms>
                  <member>
                    <AlarmName>etl &amp; load &lt;prod&gt;</AlarmName>
                    <StateValue>ALARM</StateValue>
                  </member>
                  <member>
                    <AlarmName>batch-errors</AlarmName>
                    <StateValue>OK</StateValue>
                    <AlarmDescription><![CDATA[a <b> c]]> and more</AlarmDescription>
                  </member>
                </MetricAlarms>
                <NextToken>tok&#61;&#61;</NextToken>
              </DescribeAlarmsResult>
              <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
            </DescribeAlarmsResponse>
            """
        let root = try XMLElementNode.parse(Data(xml.utf8))
        let members = try #require(root.element(at: "DescribeAlarmsResult/MetricAlarms")).children("member")
        #expect(members.count == 2)
        #expect(members[0].text(at: "AlarmName") == "etl & load <prod>")
        #expect(members[1].text(at: "StateValue") == "OK")
        #expect(members[1].text(at: "AlarmDescription") == "a <b> c and more")
        #expect(root.text(at: "DescribeAlarmsResult/NextToken") == "tok==")
        #expect(root.child("DescribeAlarmsResult")?.text == "")
        #expect(root.text(at: "ResponseMetadata/RequestId") == "r-1")
        #expect(root.text(at: "DescribeAlarmsResult/Missing") == nil)
    }

    @Test func malformedXMLThrows() {
        #expect(throws: XMLParseError.self) {
            _ = try XMLElementNode.parse(Data("<a><b></a>".utf8))
        }
    }
}
