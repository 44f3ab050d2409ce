import AWSClient
import BatchwatchConfig
import Foundation
import Logging

/// Publishes a message to an SNS topic through the Query protocol, in the topic's own region.
/// Retries are the AWS client's.
struct SNSPublisher: Sendable {
    let target: SNSTarget
    let client: AWSClient?
    let logger: Logger

    /// The target as logs show it.
    var name: String { "sns topic \(target.topicArn)" }

    /// Publishes `message`.
    func publish(_ message: SNSMessage) async -> Result<Void, DeliveryFailure> {
        guard let client else {
            return .failure(DeliveryFailure(kind: .notSent, reason: "no AWS client to publish with"))
        }
        let regional = client.with(
            credentialProvider: client.credentialProvider, region: target.region ?? client.region)
        var parameters = [("TopicArn", target.topicArn), ("Message", message.message)]
        if let subject = message.subject { parameters.append(("Subject", subject)) }
        do {
            let answer = try await regional.query(
                .sns, action: "Publish", version: "2010-03-31", parameters: parameters)
            // Delivered means SNS said so: a 200 without a MessageId (an HTML page from a proxy,
            // an empty document) is not a publish.
            guard let messageId = answer.text(at: "PublishResult/MessageId"), !messageId.isEmpty else {
                logger.warning("\(name): the Publish answer has no PublishResult/MessageId")
                return .failure(
                    DeliveryFailure(kind: .gaveUp, reason: "no MessageId in the Publish answer", status: 200))
            }
            logger.debug("\(name): published", metadata: ["message-id": "\(messageId)"])
            return .success(())
        } catch let error as AWSError {
            logger.warning("\(name): \(error)")
            let permanent: Set<AWSError.Kind> = [.accessDenied, .notFound, .validation, .signature]
            return .failure(
                DeliveryFailure(
                    kind: permanent.contains(error.kind) ? .rejected : .gaveUp,
                    reason: error.code ?? error.kind.rawValue, status: error.status))
        } catch {
            return .failure(DeliveryFailure(kind: .gaveUp, reason: "\(error)"))
        }
    }
}
