using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace LossConformance.Kit.External;

/// <summary>
/// An implementation's child process and the calls to it (spec/protocol.md). One process serves
/// every call, one call at a time (xunit runs suite classes in parallel: the lock serializes them).
/// A crash, a hang past the timeout, a malformed reply or stray stdout kills the process and fails
/// the call with <see cref="ExternalImplementationException"/>, naming the command and the tail of
/// its stderr; the rest of that test's calls fail at once with the same message (no waiting out a
/// timeout per shrink step), and the next test's first call starts a fresh process.
/// </summary>
public sealed class ExternalProcess : IDisposable
{
    public const string TimeoutVariable = "CONFORMANCE_EXEC_TIMEOUT";
    public const int ProtocolVersion = 1;
    private const int StderrLines = 20;

    private readonly object _gate = new();
    private readonly Queue<string> _stderr = new();
    private readonly ConcurrentDictionary<string, string> _brokenTests = new(StringComparer.Ordinal);
    private Process? _process;
    private long _nextId;
    private int _starts;

    public ExternalProcess(string command, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        Command = command;
        WorkingDirectory = workingDirectory ?? DropIn.RepositoryRoot() ?? Environment.CurrentDirectory;
        Timeout = timeout ?? DefaultTimeout();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <summary>The command line, run by /bin/sh in <see cref="WorkingDirectory"/>.</summary>
    public string Command { get; }
    public string WorkingDirectory { get; }

    /// <summary>Longest wait for the handshake or one reply: CONFORMANCE_EXEC_TIMEOUT seconds, default 30.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many times the process was started (the first start and every restart after a failure).</summary>
    public int Starts => Volatile.Read(ref _starts);

    public static TimeSpan DefaultTimeout()
    {
        string? value = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (string.IsNullOrWhiteSpace(value)) return TimeSpan.FromSeconds(30);
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? TimeSpan.FromSeconds(s)
            : throw new InvalidOperationException($"{TimeoutVariable}='{value}' is not a positive number of seconds.");
    }

    /// <summary>Starts the process and returns its handshake reply (name, capabilities, deviations).</summary>
    public JsonObject Handshake()
    {
        lock (_gate)
        {
            var reply = Start();
            return reply.Header;
        }
    }

    /// <summary>Sends one call and returns the reply frame (ok or error; the caller maps errors to exceptions).</summary>
    public Frame Call(string method, string dtype, JsonObject scalars, IReadOnlyList<FrameArray> arrays)
    {
        string? test = _brokenTests.IsEmpty ? null : CurrentTest();
        if (test is not null && _brokenTests.TryGetValue(test, out var earlier))
            throw new ExternalImplementationException($"{earlier}\n(This test's later calls are not sent: the process failed earlier in it.)");
        lock (_gate)
        {
            try
            {
                if (_process is null || _process.HasExited) Start();
                long id = ++_nextId;
                var request = new Frame(new JsonObject { ["op"] = "call", ["id"] = id, ["method"] = method, ["dtype"] = dtype, ["scalars"] = scalars }, arrays);
                var reply = Exchange(request, $"call {method} ({dtype}, {Describe(arrays)})");
                if ((long?)reply.Header["id"] != id)
                    throw Fail($"replied to call {method} with id {reply.Header["id"]?.ToJsonString() ?? "none"}, expected {id}");
                return reply;
            }
            catch (ExternalImplementationException e)
            {
                _brokenTests[CurrentTest() ?? "(no test)"] = e.Message;
                throw;
            }
        }
    }

    private Frame Start()
    {
        Kill();
        lock (_stderr) _stderr.Clear();
        var info = new ProcessStartInfo("/bin/sh", ["-c", "exec " + Command])
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                while (_stderr.Count > StderrLines) _stderr.Dequeue();
            }
        };
        try { process.Start(); }
        catch (Exception e) { throw new ExternalImplementationException($"exec:{Command} could not start: {e.Message}", e); }
        process.BeginErrorReadLine();
        _process = process;
        Interlocked.Increment(ref _starts);
        // Starting an interpreter and importing numpy or torch can take longer than a call (seconds on a loaded
        // machine): the handshake gets at least HandshakeTimeout, so a slow start is not reported as a hang.
        var reply = Exchange(new Frame(new JsonObject { ["op"] = "hello", ["protocol"] = ProtocolVersion }, []), "handshake",
                             Timeout > HandshakeTimeout ? Timeout : HandshakeTimeout);
        if ((int?)reply.Header["protocol"] != ProtocolVersion)
            throw Fail($"speaks protocol {reply.Header["protocol"]?.ToJsonString() ?? "(none)"}, the suite speaks {ProtocolVersion}");
        if (reply.Header["ok"]?.GetValue<bool>() != true)
            throw Fail($"refused the handshake: {reply.Header["error"]?.ToJsonString()}");
        return reply;
    }

    /// <summary>Writes a request and reads its reply within <see cref="Timeout"/>; any failure kills the process.</summary>
    private Frame Exchange(Frame request, string what) => Exchange(request, what, Timeout);

    /// <summary>The least time a process is given to start and answer the handshake.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);

    private Frame Exchange(Frame request, string what, TimeSpan timeout)
    {
        var process = _process!;
        Task<Frame?> read;
        try
        {
            request.WriteTo(process.StandardInput.BaseStream);
            read = Task.Run(() => Frame.ReadFrom(process.StandardOutput.BaseStream));
        }
        catch (IOException e)
        {
            string how = process.WaitForExit(1000) ? $"exited with code {process.ExitCode}" : "closed its stdin";
            throw Fail($"{how} before the {what} could be sent ({e.Message})", process);
        }
        bool done;
        try { done = read.Wait(timeout); }
        catch (AggregateException e) when (e.InnerException is StrayOutputException stray)
        {
            throw Fail($"wrote to stdout outside a frame during the {what}: \"{Printable(stray.Start)}{Printable(Drain(process))}\" — print to stderr instead (the Python helper redirects print for you)", process);
        }
        catch (AggregateException e) when (e.InnerException is InvalidDataException or EndOfStreamException or IOException)
        {
            throw Fail($"sent a malformed reply to the {what}: {e.InnerException!.Message}", process);
        }
        if (!done)
            throw Fail($"did not answer the {what} within {timeout.TotalSeconds:0.#} s ({TimeoutVariable}); killed", process);
        var reply = read.Result;
        if (reply is null)
        {
            process.WaitForExit(1000);
            string how = process.HasExited ? $"exited with code {process.ExitCode}" : "closed its stdout";
            throw Fail($"{how} during the {what}", process);
        }
        return reply;
    }

    private static byte[] Drain(Process process)
    {
        // What else the stray print wrote, for the message: whatever arrives within a moment.
        var buffer = new byte[160];
        var more = Task.Run(() => process.StandardOutput.BaseStream.Read(buffer, 0, buffer.Length));
        return more.Wait(200) ? buffer[..more.Result] : [];
    }

    private static string Printable(byte[] bytes) =>
        new(Encoding.UTF8.GetString(bytes).Select(c => char.IsControl(c) ? (c == '\n' ? '⏎' : '·') : c).ToArray());

    private ExternalImplementationException Fail(string what, Process? process = null)
    {
        if (process is not null)
        {
            KillProcess(process);
            // Let the stderr reader catch up with the last lines (WaitForExit() waits for the end of the redirected streams).
            Task.Run(() => { try { process.WaitForExit(); } catch (InvalidOperationException) { } }).Wait(1000);
        }
        string tail;
        lock (_stderr) tail = _stderr.Count == 0 ? "(nothing)" : string.Join("\n  ", _stderr);
        return new ExternalImplementationException(
            $"External implementation exec:{Command} (working directory {WorkingDirectory}) {what}.\nLast lines of its stderr:\n  {tail}\nThe process is restarted for the next test.");
    }

    private static string Describe(IReadOnlyList<FrameArray> arrays) =>
        arrays.Count == 0 ? "no arrays" : string.Join(", ", arrays.Select(a => $"{a.Name}[{a.Count}]"));

    /// <summary>The xunit test method on this thread's stack (the frame whose method carries a Fact-derived attribute), as a key.</summary>
    private static string? CurrentTest()
    {
        foreach (var frame in new StackTrace(false).GetFrames())
            if (frame.GetMethod() is MethodInfo m && m.GetCustomAttributes(inherit: true).Any(a => a is Xunit.FactAttribute))
                return $"{m.DeclaringType?.FullName}.{m.Name}";
        return null;
    }

    private void Kill()
    {
        if (_process is { } p) KillProcess(p);
        _process = null;
    }

    private static void KillProcess(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(2000);
        }
        catch (InvalidOperationException) { }   // never started or already reaped
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false } p)
            {
                try { p.StandardInput.Close(); } catch (IOException) { }   // a protocol server exits at end of input
                if (!p.WaitForExit(500)) KillProcess(p);
            }
            _process = null;
        }
    }
}

/// <summary>
/// The external implementation's process failed (crash, hang, malformed reply, stray output), or it
/// answered "unavailable". An <see cref="ImplementationUnavailableException"/>: the suites report it as
/// the test's failure, as it is, instead of as a clause violation by a shrunk input.
/// </summary>
public sealed class ExternalImplementationException(string message, Exception? inner = null) : ImplementationUnavailableException(message, inner);
