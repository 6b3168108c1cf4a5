using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Prospector.Features.Dropbox;

/// <summary>What this instance's dropbox job last did (kept in memory: each instance reports its own).</summary>
public sealed record DropboxRun(DateTime? LastPollAt, DateTime? LastErrorAt, string? LastError, int Logged, int Unmatched, int Duplicates);

/// <summary>
/// Fetches the dropbox mailbox over IMAP: stays connected and waits with IDLE when the server offers it (bounded by
/// <see cref="DropboxOptions.PollSeconds"/>, ended at once on shutdown), polls otherwise. Every unseen message is handed to
/// <see cref="DropboxIntake"/> (claim + activities in one transaction) and flagged \Seen only after that commit: a crash in
/// between leaves it unseen, and the next run finds its claim and only sets the flag. Errors are recorded and retried; this job
/// never stops the host.
/// </summary>
public sealed class DropboxPoller(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<DropboxOptions> options,
    ILogger<DropboxPoller> log) : BackgroundService
{
    private const int MaxPerRound = 500;
    private readonly Lock _gate = new();
    private DropboxRun _run = new(null, null, null, 0, 0, 0);

    public DropboxRun Run { get { lock (_gate) return _run; } }

    /// <summary>Test seams: run inside the claim's transaction before its commit, and after the commit before the \Seen flag.</summary>
    public Func<DropboxMail, Task>? BeforeCommit { get; set; }
    public Func<DropboxMail, Task>? AfterCommit { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var o = options.CurrentValue;
        if (!o.Enabled || !o.Fetch) return;
        var wait = TimeSpan.FromSeconds(Math.Max(1, o.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var client = await ConnectAsync(stoppingToken);
                var folder = await OpenAsync(client, stoppingToken);
                using var wake = new WakeOnNewMail(folder);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await RoundAsync(folder, stoppingToken);
                    if (client.Capabilities.HasFlag(ImapCapabilities.Idle)) await wake.IdleAsync(client, wait, stoppingToken);
                    else { await Task.Delay(wait, time, stoppingToken); await folder.CheckAsync(stoppingToken); }
                }
                await client.DisconnectAsync(true, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) // a background job never stops the host: connection, login, database — record it, try again
            {
                Failed(e);
                try { await Task.Delay(wait, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>One round on a fresh connection: everything unseen, then disconnect. Returns how many messages were taken in.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            using var client = await ConnectAsync(ct);
            var n = await RoundAsync(await OpenAsync(client, ct), ct);
            await client.DisconnectAsync(true, ct);
            return n;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(e);
            throw;
        }
    }

    private async Task<ImapClient> ConnectAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        if (!o.Enabled) throw new InvalidOperationException("The dropbox is off: Dropbox:Host is not set.");
        var client = new ImapClient { Timeout = 60_000 };
        try
        {
            var security = o.Security.ToUpperInvariant() switch
            {
                "NONE" => SecureSocketOptions.None,
                "STARTTLS" => SecureSocketOptions.StartTls,
                "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            };
            await client.ConnectAsync(o.Host!, o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.UserName)) await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<IMailFolder> OpenAsync(ImapClient client, CancellationToken ct)
    {
        var name = options.CurrentValue.Folder;
        var folder = string.IsNullOrWhiteSpace(name) || name.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox : await client.GetFolderAsync(name, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        return folder;
    }

    private async Task<int> RoundAsync(IMailFolder folder, CancellationToken ct)
    {
        var max = options.CurrentValue.MaxBodyChars;
        var uids = await folder.SearchAsync(SearchQuery.NotSeen, ct);
        var (logged, unmatched, duplicates) = (0, 0, 0);
        string? error = null;
        foreach (var uid in uids.Take(MaxPerRound))
        {
            var message = await folder.GetMessageAsync(uid, ct); // BODY.PEEK: fetching does not set \Seen
            var mail = DropboxMail.Read(message, time.GetUtcNow().UtcDateTime, Math.Max(100, max));
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var intake = scope.ServiceProvider.GetRequiredService<DropboxIntake>();
                intake.BeforeCommit = BeforeCommit;
                var result = await intake.TakeAsync(mail, ct);
                if (AfterCommit is { } hook) await hook(mail);
                _ = result switch { IntakeResult.Logged => logged++, IntakeResult.Unmatched => unmatched++, _ => duplicates++ };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // This message stays unseen and is tried again next round; the others go on.
                log.LogWarning(e, "Dropbox: message {Key} could not be logged; it is tried again.", mail.Key);
                error = $"{mail.Key}: {e.Message}";
                continue;
            }
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
        }
        lock (_gate)
            _run = _run with
            {
                LastPollAt = time.GetUtcNow().UtcDateTime,
                Logged = _run.Logged + logged,
                Unmatched = _run.Unmatched + unmatched,
                Duplicates = _run.Duplicates + duplicates,
                LastError = error ?? _run.LastError,
                LastErrorAt = error is null ? _run.LastErrorAt : time.GetUtcNow().UtcDateTime,
            };
        return logged + unmatched + duplicates;
    }

    private void Failed(Exception e)
    {
        log.LogWarning(e, "Dropbox: fetching mail failed; trying again shortly.");
        var text = e.Message.Length > 500 ? e.Message[..500] : e.Message;
        lock (_gate) _run = _run with { LastError = text, LastErrorAt = time.GetUtcNow().UtcDateTime };
    }

    /// <summary>Ends an IDLE early when the folder's message count changes (new mail) or the bound is reached.</summary>
    private sealed class WakeOnNewMail : IDisposable
    {
        private readonly IMailFolder _folder;
        private CancellationTokenSource? _done;

        public WakeOnNewMail(IMailFolder folder)
        {
            _folder = folder;
            _folder.CountChanged += OnCountChanged;
        }

        private void OnCountChanged(object? sender, EventArgs e) => _done?.Cancel();

        public async Task IdleAsync(ImapClient client, TimeSpan bound, CancellationToken stop)
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop); // shutdown ends the IDLE at once
            done.CancelAfter(bound);
            _done = done;
            try
            {
                await client.IdleAsync(done.Token, stop);
            }
            finally
            {
                _done = null;
            }
        }

        public void Dispose() => _folder.CountChanged -= OnCountChanged;
    }
}
