// The bench's CPU case (issue 15): a per-minute job over 31 days, 44,640 occurrences and as
// many runs, classified by RunClassifier. Prints the CPU seconds of `classify` alone
// (CLOCK_PROCESS_CPUTIME_ID), the median of a few rounds, as one JSON line for scripts/bench.
// Built in release by scripts/bench; not a product, not installed.
import BatchwatchCheck
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let days = 31
let minutes = days * 24 * 60  // 44,640
let rounds = 5
let epoch = 1_790_000_000
let start = Date(timeIntervalSince1970: TimeInterval(epoch - epoch % 86_400))  // a UTC midnight in 2026
let end = start.addingTimeInterval(TimeInterval(minutes * 60))
let window = CheckWindow(from: start, to: end, timeZone: TimeZone(identifier: "UTC")!)
let now = end.addingTimeInterval(3_600)

// Every occurrence has its run, 1 to 20 s late, 30 s long; one in 1,000 failed.
let occurrences = (0..<minutes).map { start.addingTimeInterval(TimeInterval($0 * 60)) }
var generator = SystemRandomNumberGenerator()
let machineArn = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:every-minute"
let runs: [ExecutionRecord] = occurrences.enumerated().map { index, occurrence in
    let begun = occurrence.addingTimeInterval(TimeInterval(Int.random(in: 1...20, using: &generator)))
    let name = "every-minute-\(index)"
    return ExecutionRecord(
        executionArn: machineArn.replacingOccurrences(of: ":stateMachine:", with: ":execution:") + ":" + name,
        name: name,
        status: index % 1_000 == 999 ? .failed : .succeeded, startDate: begun, stopDate: begun.addingTimeInterval(30))
}
.reversed()  // newest first, as ListExecutions answers
let job = JobExpectation(
    name: "every-minute", occurrences: occurrences, nextOccurrence: end, startWithin: 60, maxDuration: 55)

let classifier = RunClassifier(window: window, now: now)
var timings: [Double] = []
var findings = 0
for _ in 0..<rounds {
    let began = processCPUSeconds()
    let outcome = classifier.classify(executions: runs, jobs: [job], machineName: "every-minute")
    timings.append(processCPUSeconds() - began)
    findings = outcome.findings.count
}
let sorted = timings.sorted()
let line: [String: Any] = [
    "occurrences": occurrences.count, "runs": runs.count, "findings": findings, "rounds": rounds,
    "cpu_seconds_median": sorted[rounds / 2], "cpu_seconds_max": sorted[rounds - 1], "cpu_seconds_min": sorted[0],
]
let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
