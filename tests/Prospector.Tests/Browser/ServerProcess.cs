using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Browser;

/// <summary>
/// The real `prospector serve` executable, started as a user would start it, on a fresh data directory and a
/// free loopback port. It reads the server's own output, e.g. the one-time setup link it prints.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDir;
    private readonly bool _ownsDataDir;
    public string BaseUrl { get; }
    public string? SetupLink { get; private set; }

    private ServerProcess(Process process, string baseUrl, string dataDir, bool ownsDataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        _dataDir = dataDir;
        _ownsDataDir = ownsDataDir;
    }

    /// <summary>Starts a server on <paramref name="dataDir"/>, or on a fresh temporary one (removed afterwards).</summary>
    public static Task<ServerProcess> StartAsync(string? dataDir = null, params string[] extraArgs) =>
        StartAsync("dotnet", [ProspectorExe.Dll], Path.GetDirectoryName(ProspectorExe.Dll)!, dataDir, extraArgs);

    /// <summary>
    /// Starts <paramref name="executable"/> (e.g. a published `prospector`) in <paramref name="workingDirectory"/>, as a
    /// service manager would, on <paramref name="dataDir"/> or a fresh temporary one.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string executable, IEnumerable<string> leadingArgs, string workingDirectory,
        string? dataDir = null, params string[] extraArgs)
    {
        var port = FreePort();
        var owns = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("prospector-browser-").FullName;
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // Reminders every 2 s instead of 30 s, so a journey sees a live notification without waiting long.
        psi.Environment["Reminders__PollSeconds"] = "2";
        foreach (var a in (string[])[.. leadingArgs, "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDir, .. extraArgs])
            psi.ArgumentList.Add(a);
        var server = new ServerProcess(Process.Start(psi)!, $"http://127.0.0.1:{port}", dataDir, owns);
        try
        {
            await server.WaitForReadyAsync();
        }
        catch
        {
            // A server that did not come up in time must not outlive the test.
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitForReadyAsync()
    {
        var ready = new TaskCompletionSource();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (SetupLinkPattern().Match(e.Data) is { Success: true } m) SetupLink = m.Value;
            if (e.Data.Contains("Prospector is running at", StringComparison.Ordinal)) ready.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        Task done;
        try
        {
            done = await Task.WhenAny(ready.Task, exited).WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            done = exited;
        }
        if (done != ready.Task)
            throw new InvalidOperationException($"The server did not start. Its output:\n{Output}");
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// The server's warnings and errors with a few lines after each (stack traces), for a failing test's message: CI shows
    /// only the test output, not the files a test leaves in /tmp.
    /// </summary>
    public string Problems(int maxLines = 150)
    {
        var lines = Output.Split('\n');
        var keep = new List<string>();
        static bool Starts(string l) => l.Length > 5 && l[4] == ':' && l[..4] is "info" or "warn" or "fail" or "crit" or "dbug" or "trce";
        for (var i = 0; i < lines.Length && keep.Count < maxLines; i++)
        {
            if (!lines[i].StartsWith("fail:", StringComparison.Ordinal) && !lines[i].StartsWith("crit:", StringComparison.Ordinal)
                && !lines[i].StartsWith("warn:", StringComparison.Ordinal)) continue;
            // The entry and its message and stack trace: the lines up to the next entry.
            keep.Add(lines[i].TrimEnd());
            while (i + 1 < lines.Length && !Starts(lines[i + 1]) && keep.Count < maxLines) keep.Add(lines[++i].TrimEnd());
        }
        return keep.Count == 0 ? "(the server logged no warnings or errors)" : string.Join('\n', keep);
    }

    /// <summary>A failure of a journey on this server, with the server's problems in its message.</summary>
    public Exception Failure(Exception inner) => new Xunit.Sdk.XunitException($"{inner.Message}\n--- server warnings and errors ---\n{Problems()}", inner);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownsDataDir)
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex(@"http://\S+/setup/[A-Za-z0-9_\-]+")]
    private static partial Regex SetupLinkPattern();
}
