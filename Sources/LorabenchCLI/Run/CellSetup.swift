import Foundation

/// The user's command run before each sweep cell (`--cell-setup`: restart a server, unload adapters), through
/// `/bin/sh -c` with the cell named in the environment, so every cell can start from a cold server.
/// The shell inherits no descriptor but stdout and stderr: a server it leaves running in the background must not
/// hold lorabench's sockets (the setup would never be seen to end), and it runs in its own process group so a
/// stop request ends it and whatever it started in the foreground.
struct CellSetup: Sendable {
    let command: String

    /// Runs the command for `cell`; nil when it exited 0, otherwise what went wrong. `stopped` is polled while it
    /// runs: once true, the command's process group is sent SIGTERM.
    func run(cell: String, directory: String, environment: [String: String],
             stopped: @escaping @Sendable () -> Bool) async -> String? {
        var env = environment
        env["LORABENCH_CELL"] = cell
        env["LORABENCH_CELL_DIR"] = directory
        let pid: pid_t
        do { pid = try spawn(env) } catch { return "--cell-setup could not start: \(error)" }
        var terminated = false
        while true {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let sig = status & 0x7f
                if sig != 0 { return "--cell-setup was ended by signal \(sig)" + (terminated ? " (stop requested)" : "") }
                let code = (status >> 8) & 0xff
                return code == 0 ? nil : "--cell-setup exited with status \(code)"
            }
            if r < 0 && errno != EINTR { return "--cell-setup: waitpid failed (errno \(errno))" }
            if !terminated && stopped() {
                terminated = true
                kill(-pid, SIGTERM)
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `/bin/sh -c COMMAND` in a new process group, stdin from /dev/null, every descriptor above 2 closed.
    private func spawn(_ env: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for fd in Self.openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setpgroup(&attr, 0)
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (a: String) in strdup(a) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// This process's open descriptors, from /proc/self/fd (Linux).
    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}
