using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Prospector.Tests.Infrastructure;

/// <summary>
/// A real SMTP listener on 127.0.0.1 (plain SMTP, RFC 5321 happy path: EHLO, MAIL, RCPT, DATA, QUIT) that keeps every
/// message it receives, parsed with MimeKit. The app talks to it through MailKit like to any mail server.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MimeMessage> _messages = [];
    /// <summary>Completed (and replaced) whenever a message arrives; guarded by the <see cref="_messages"/> lock.</summary>
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public SmtpSink()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    private int _sessions;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many SMTP connections the app opened so far.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>A recipient address this answers with "550 no such user" (the message is refused for them).</summary>
    public Func<string, bool>? RejectRecipient { get; set; }

    /// <summary>After this many messages on one connection the sink hangs up without a word (a server that drops connections).</summary>
    public int? HangUpAfter { get; set; }

    /// <summary>Runs after a message arrived and before the sink answers "250 queued" (the server has it, the app does not know yet).</summary>
    public Func<MimeMessage, Task>? OnMessage { get; set; }

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None", ["Smtp:From"] = "Prospector <crm@test.example>",
    };

    public List<MimeMessage> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    /// <summary>The first message matching <paramref name="match"/>, waiting for arrivals (no polling) up to <paramref name="timeout"/>.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan timeout, string what)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (_messages)
            {
                if (_messages.FirstOrDefault(match) is { } found) return found;
                arrived = _arrived.Task;
            }
            try { await arrived.WaitAsync(limit.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"no {what} within {timeout.TotalSeconds:0} s"); }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        Interlocked.Increment(ref _sessions);
        var received = 0;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, new UTF8Encoding(false));
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink ESMTP ready");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } l && l != ".")
                        data.Append(l.StartsWith("..", StringComparison.Ordinal) ? l[1..] : l).Append("\r\n");
                    using (var ms = new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())))
                    {
                        var message = await MimeMessage.LoadAsync(ms);
                        TaskCompletionSource arrived;
                        lock (_messages)
                        {
                            _messages.Add(message);
                            (arrived, _arrived) = (_arrived, new(TaskCreationOptions.RunContinuationsAsynchronously));
                        }
                        arrived.SetResult();
                        if (OnMessage is { } hook) await hook(message);
                    }
                    await writer.WriteLineAsync("250 queued");
                    if (++received == HangUpAfter) return;
                    break;
                case "RCPT" when RejectRecipient is { } reject && reject(Between(line, '<', '>')):
                    await writer.WriteLineAsync("550 5.1.1 no such user here");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    private static string Between(string line, char open, char close)
    {
        var a = line.IndexOf(open, StringComparison.Ordinal);
        var b = line.IndexOf(close, a + 1);
        return a >= 0 && b > a ? line[(a + 1)..b] : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
