import ArgumentParser

/// How a lorabench process ends (k6's numbers where k6 has one).
public enum LorabenchExit {
    public static let ok = ExitCode(0)
    /// The run could not be carried out: target unhealthy, results folder unusable, simulator failed.
    public static let runError = ExitCode(1)
    /// The run completed but a threshold failed.
    public static let thresholdsFailed = ExitCode(99)
    /// The scenario or the command line is invalid; nothing was sent.
    public static let invalidConfig = ExitCode(104)
    /// Stopped by SIGINT/SIGTERM; results of finished requests were still written.
    public static let aborted = ExitCode(105)
}
