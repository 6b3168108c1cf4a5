using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Prospector.Tests.Infrastructure;

/// <summary>One HTTP request a <see cref="WebhookSink"/> received.</summary>
public sealed record SinkRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A tiny HTTP/1.1 listener on 127.0.0.1: records every request and answers with the next queued status (200 when the queue is
/// empty). <see cref="Accepted"/> counts TCP connections, so an SSRF test can assert that nothing reached it at all.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    public ConcurrentQueue<int> Answers { get; } = new();
    public ConcurrentQueue<SinkRequest> Requests { get; } = new();
    private readonly object _gate = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits (no polling) until a request has arrived or <paramref name="timeout"/> has passed; true when one arrived.</summary>
    public async Task<bool> WaitForAnyAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (!Requests.IsEmpty) return true;
                arrived = _arrived.Task;
            }
            try { await arrived.WaitAsync(limit.Token); }
            catch (OperationCanceledException) { return false; }
        }
    }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Accepted => Volatile.Read(ref _accepted);
    /// <summary>A Location header for 3xx answers.</summary>
    public string? RedirectTo { get; set; }

    public WebhookSink()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new List<byte>();
                var one = new byte[1];
                while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
                {
                    if (await stream.ReadAsync(one) == 0) return;
                    head.Add(one[0]);
                }
                var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                var first = lines[0].Split(' ');
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
                var body = new byte[length];
                await stream.ReadExactlyAsync(body);
                lock (_gate)
                {
                    Requests.Enqueue(new SinkRequest(first[0], first[1], headers, Encoding.UTF8.GetString(body)));
                    _arrived.TrySetResult();
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                var status = Answers.TryDequeue(out var s) ? s : 200;
                var text = status == 200 ? "thanks" : "not today";
                var location = status is >= 300 and < 400 && RedirectTo is { } to ? $"Location: {to}\r\n" : "";
                var answer = $"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {text.Length}\r\n{location}Connection: close\r\n\r\n{text}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            }
            catch (IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
