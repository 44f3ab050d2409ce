import Foundation
import Logging
import SigV4
import Testing

@testable import AWSClient
@testable import TestSupport

@Suite("Region, endpoints and the default client")
struct ResolutionTests {
    @Test func regionOrder() throws {
        let environment = ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"]
        let resolver = RegionResolver(environment: environment, homeDirectory: "/nonexistent")
        #expect(try resolver.region(configRegion: "ap-northeast-1") == "ap-northeast-1")
        #expect(try resolver.region(configRegion: nil) == "eu-west-1")
        #expect(
            try RegionResolver(environment: ["AWS_DEFAULT_REGION": "eu-west-2"], homeDirectory: "/nonexistent").region(
                configRegion: nil) == "eu-west-2")
        #expect(try RegionResolver(environment: [:], homeDirectory: "/nonexistent").region(configRegion: nil) == nil)
    }

    @Test func profileRegionFollowsAWSProfile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try "[default]\nregion = us-west-2\n[profile tokyo]\nregion = ap-northeast-1\n".write(
            to: config, atomically: true, encoding: .utf8)
        let base = ["AWS_CONFIG_FILE": config.path]
        #expect(try RegionResolver(environment: base, homeDirectory: "/x").region(configRegion: nil) == "us-west-2")
        #expect(
            try RegionResolver(environment: base.merging(["AWS_PROFILE": "tokyo"]) { $1 }, homeDirectory: "/x").region(
                configRegion: nil) == "ap-northeast-1")
    }

    @Test func endpointOrder() throws {
        let resolver = EndpointResolver(environment: [
            "AWS_ENDPOINT_URL_SFN": "http://localhost:4566", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
        ])
        #expect(
            try resolver.endpoint(for: .stepFunctions, region: "us-east-1").absoluteString == "http://localhost:4566")
        #expect(try resolver.endpoint(for: .cloudWatch, region: "us-east-1").absoluteString == "http://127.0.0.1:5000")
        let defaults = EndpointResolver(environment: [:])
        #expect(
            try defaults.endpoint(for: .stepFunctions, region: "ap-northeast-1").absoluteString
                == "https://states.ap-northeast-1.amazonaws.com")
        #expect(
            try defaults.endpoint(for: .cloudWatch, region: "cn-north-1").absoluteString
                == "https://monitoring.cn-north-1.amazonaws.com.cn")
        #expect(try defaults.endpoint(for: .eventBridge, region: "us-east-1").host == "events.us-east-1.amazonaws.com")
        #expect(try defaults.endpoint(for: .scheduler, region: "us-east-1").host == "scheduler.us-east-1.amazonaws.com")
        #expect(try defaults.endpoint(for: .sns, region: "eu-west-1").host == "sns.eu-west-1.amazonaws.com")
        #expect(try defaults.endpoint(for: .sts, region: "eu-west-1").host == "sts.eu-west-1.amazonaws.com")
        for (service, suffix) in [
            (AWSService.cloudWatch, "CLOUDWATCH"), (.sns, "SNS"), (.sts, "STS"), (.eventBridge, "EVENTBRIDGE"),
            (.scheduler, "SCHEDULER"),
        ] {
            let specific = EndpointResolver(environment: ["AWS_ENDPOINT_URL_\(suffix)": "http://127.0.0.1:9/"])
            #expect(try specific.endpoint(for: service, region: "us-east-1").absoluteString == "http://127.0.0.1:9/")
        }
        #expect(throws: AWSConfigurationError.self) {
            _ = try EndpointResolver(environment: ["AWS_ENDPOINT_URL": "localhost:5000"]).endpoint(
                for: .sns, region: "us-east-1")
        }
    }

    @Test func madeClientSignsWhatGoesOnTheWire() async throws {
        let server = try LoopbackServer { _ in
            .text(#"{"stateMachines": []}"#, contentType: "application/x-amz-json-1.0")
        }
        defer { server.stop() }
        let secret = "wireSecretKey"
        let client = try AWSClient.make(
            environment: [
                "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAWIRE", "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_ENDPOINT_URL": server.baseURL.absoluteString,
            ],
            homeDirectory: "/nonexistent", logger: Logger(label: "test"))
        let result: [String: [String]] = try await client.json(
            .stepFunctions, target: "ListStateMachines", body: ["maxResults": 5])
        #expect(result["stateMachines"] == [])

        // Recompute the signature from what the server received.
        let received = try #require(server.requests.first)
        #expect(received.header("Host") == "127.0.0.1:\(server.port)")
        #expect(received.header("Content-Type") == "application/x-amz-json-1.0")
        let amzDate = try #require(received.header("X-Amz-Date"))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let date = try #require(formatter.date(from: amzDate))
        let signedNames = Set(
            (received.header("Authorization") ?? "").components(separatedBy: "SignedHeaders=").last?
                .components(separatedBy: ",").first?.split(separator: ";").map(String.init) ?? [])
        let signedHeaders = received.headers.filter { signedNames.contains($0.name.lowercased()) }
            .map { SigV4Request.Header($0.name, $0.value) }
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKIAWIRE", secretAccessKey: secret), region: "eu-west-1",
            service: "states")
        let expected = signer.sign(
            SigV4Request(
                method: received.method, path: received.path, query: nil, authority: "127.0.0.1:\(server.port)",
                headers: signedHeaders, body: received.body),
            date: date)
        #expect(received.header("Authorization") == expected.authorization)
        #expect(signedNames == ["content-type", "host", "x-amz-date", "x-amz-target"])
    }

    @Test func makeNeedsARegion() {
        #expect(throws: AWSConfigurationError.self) {
            _ = try AWSClient.make(environment: [:], homeDirectory: "/nonexistent", logger: Logger(label: "test"))
        }
    }
}
