import Foundation

/// Runs an outside program (llama-bench, and the tools that build it) to completion. Its output goes to files, not
/// pipes: a child that fills a pipe nobody drains would block forever, and llama.cpp's build prints a lot.
struct ToolProcess {
    var status: Int32
    var stdout: Data
    /// The last lines of stderr, for error messages.
    var stderrTail: String

    /// Runs `executable arguments`, capturing stdout and stderr.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> ToolProcess {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appending(path: "stdout"), errURL = directory.appending(path: "stderr")
        let status = try run(executable, arguments, environment: environment, stdout: outURL, stderr: errURL)
        return ToolProcess(status: status, stdout: try Data(contentsOf: outURL),
                           stderrTail: tail(of: try Data(contentsOf: errURL)))
    }

    /// Runs `executable arguments` with both streams appended to `log`; returns the exit status.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                    log: URL) throws -> Int32 {
        try run(executable, arguments, environment: environment, stdout: log, stderr: log)
    }

    /// The last `lines` lines of some output, as text.
    static func tail(of data: Data, lines: Int = 20) -> String {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }

    /// Starts the child with posix_spawn rather than Foundation's `Process`, which hands the child the signal mask
    /// of a Dispatch thread: nearly every signal blocked. A child that starts like that never sees SIGCHLD (CMake's
    /// execute_process then waits forever for its own children), nor SIGINT or SIGTERM (Ctrl-C would not stop
    /// llama-bench). Here the child starts with no signal blocked and the usual ones at their default action.
    private static func run(_ executable: URL, _ arguments: [String], environment: [String: String]?,
                            stdout: URL, stderr: URL) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let appendFlags = O_WRONLY | O_CREAT | O_APPEND
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, appendFlags, 0o644)
        if stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr.path, appendFlags, 0o644)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGCHLD, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        // Also unblock everything on this thread for the spawn (restored after): a child that starts with the
        // spawning thread's mask then has none blocked either. Under the parallel test suite the attribute alone
        // left some children with the Dispatch thread's mask; which path glibc took there is not known.
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        // ETXTBSY: a script written a moment ago may still be open for writing in a child another thread is
        // forking; that clears within milliseconds, so try again a few times.
        var spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        for _ in 0..<20 where spawned == ETXTBSY {
            usleep(10_000)
            spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        guard spawned == 0 else { throw ToolProcessError.cannotStart(executable.path, String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ToolProcessError.cannotStart(executable.path, "waitpid failed: errno \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import: killed by a signal reads as 128 + signal, as in a shell.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

enum ToolProcessError: Error, CustomStringConvertible {
    case cannotStart(String, String)

    var description: String {
        switch self {
        case let .cannotStart(path, reason): return "could not start \(path): \(reason)"
        }
    }
}
