using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Prospector.Features.Dropbox;

/// <summary>What this instance's dropbox job last did (kept in memory: each instance reports its own).</summary>
/// <param name="DownSince">When connecting, signing in or reading the folder last failed (null once a round succeeded since).</param>
public sealed record DropboxRun(DateTime? LastPollAt, DateTime? LastErrorAt, string? LastError, int Logged, int Unmatched, int Duplicates,
    DateTime? DownSince = null);

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

    /// <summary>After this many failed rounds in a row a message that cannot be logged is recorded as failed and skipped.</summary>
    public const int MaxAttempts = 3;
    private readonly Dictionary<string, int> _attempts = [];
    private readonly Dictionary<string, int> _reads = [];

    private async Task<int> RoundAsync(IMailFolder folder, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var uids = (await folder.SearchAsync(SearchQuery.NotSeen, ct)).Take(MaxPerRound).ToList();
        var (logged, unmatched, duplicates) = (0, 0, 0);
        string? error = null;
        // Headers and size first (small): the claim check and the size check need no download. Not the structure: a server
        // that sends one MailKit cannot parse breaks the connection, and in a batch that would stall every round.
        var summaries = uids.Count == 0 ? [] : await folder.FetchAsync(uids,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Headers, ct);
        foreach (var summary in summaries.OrderBy(s => s.UniqueId))
        {
            var uid = summary.UniqueId;
            var key = summary.Headers is { } h ? DropboxMail.KeyOf(h) : $"uid:{folder.UidValidity}:{uid.Id}";
            var from = summary.Headers?[HeaderId.From];
            var subject = summary.Headers?[HeaderId.Subject];
            var sent = summary.Headers?[HeaderId.Date] is { } d && MimeKit.Utils.DateUtils.TryParse(d, out var date)
                ? date.UtcDateTime : time.GetUtcNow().UtcDateTime;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var intake = scope.ServiceProvider.GetRequiredService<DropboxIntake>();
                intake.BeforeCommit = BeforeCommit;
                if (await intake.SeenAsync(key, ct)) // claimed before (a crash before the flag, another instance): only flag it
                {
                    duplicates++;
                    await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
                    continue;
                }
                // Reading a message can break the connection (a reply MailKit cannot parse): counted before, so a message that
                // does so round after round is recorded as unreadable and skipped instead of being fetched for ever.
                var reads = _reads[key] = _reads.GetValueOrDefault(key) + 1;
                var (mail, problem) = reads > MaxAttempts ? (null, DropboxProblems.With(DropboxProblems.Unreadable, "the connection broke each time it was read"))
                    : await ReadAsync(folder, summary, o, ct);
                _reads.Remove(key);
                IntakeResult result;
                if (mail is null)
                {
                    // It cannot be read: recorded once (admins see it in review) and skipped, so the ones after it go on.
                    log.LogWarning("Dropbox: message {Key} cannot be read ({Problem}); it is recorded and skipped.", key, problem);
                    result = await intake.RecordFailedAsync(key, MailboxOf(from), subject, sent, problem!, ct) ? IntakeResult.Failed : IntakeResult.Duplicate;
                    error = $"{key}: {problem}";
                }
                else
                {
                    result = await intake.TakeAsync(mail, ct);
                    if (AfterCommit is { } hook) await hook(mail);
                }
                _ = result switch { IntakeResult.Logged => logged++, IntakeResult.Duplicate => duplicates++, _ => unmatched++ };
                _attempts.Remove(key);
            }
            catch (Exception e) when (e is not OperationCanceledException && !Connection(e))
            {
                // This message stays unseen and is tried again next round; the others go on. One that fails round after round
                // (not the database being away: then recording it fails too) is recorded as failed and skipped.
                log.LogWarning(e, "Dropbox: message {Key} could not be logged; it is tried again.", key);
                error = $"{key}: {e.Message}";
                var n = _attempts[key] = _attempts.GetValueOrDefault(key) + 1;
                if (n < MaxAttempts || !await TryRecordFailedAsync(key, from, subject, sent, e, ct)) continue;
                _attempts.Remove(key);
            }
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
        }
        lock (_gate)
            _run = _run with
            {
                LastPollAt = time.GetUtcNow().UtcDateTime,
                DownSince = null,
                Logged = _run.Logged + logged,
                Unmatched = _run.Unmatched + unmatched,
                Duplicates = _run.Duplicates + duplicates,
                LastError = error ?? _run.LastError,
                LastErrorAt = error is null ? _run.LastErrorAt : time.GetUtcNow().UtcDateTime,
            };
        return logged + unmatched + duplicates;
    }

    /// <summary>
    /// Downloads and reads one message: whole when it is at most <see cref="DropboxOptions.MaxMessageBytes"/>, else only its text
    /// part (attachments are never needed). Answers the reason instead when it cannot be read; connection errors are thrown.
    /// </summary>
    private async Task<(DropboxMail? Mail, string? Problem)> ReadAsync(IMailFolder folder, IMessageSummary summary, DropboxOptions o, CancellationToken ct)
    {
        var max = Math.Max(1024, o.MaxMessageBytes);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            if (summary.Size is { } size && size > max)
            {
                // Its structure, to find the text part: this message's alone.
                var structure = (await folder.FetchAsync([summary.UniqueId], MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure, ct))
                    .FirstOrDefault();
                var part = structure?.TextBody ?? (BodyPartBasic?)structure?.HtmlBody;
                if (part is null || part.Octets > (ulong)max || summary.Headers is null)
                    return (null, DropboxProblems.With(DropboxProblems.TooLarge, size.ToString(System.Globalization.CultureInfo.InvariantCulture))); // bytes
                var body = await folder.GetBodyPartAsync(summary.UniqueId, part, ct); // BODY.PEEK[n]: no \Seen
                var m = new MimeMessage(summary.Headers.Where(x => x.Id is not (HeaderId.ContentType or HeaderId.ContentTransferEncoding))) { Body = body };
                var mail = DropboxMail.Read(m, now, o.MaxBodyChars);
                return (mail with { Text = DropboxMail.Shorten(mail.Text + "\n\n[attachments not loaded: the e-mail is too large]", o.MaxBodyChars) }, null);
            }
            var message = await folder.GetMessageAsync(summary.UniqueId, ct); // BODY.PEEK: fetching does not set \Seen
            return (DropboxMail.Read(message, now, o.MaxBodyChars), null);
        }
        catch (Exception e) when (e is not OperationCanceledException && !Connection(e))
        {
            return (null, DropboxProblems.With(DropboxProblems.Unreadable, e.Message));
        }
    }

    private async Task<bool> TryRecordFailedAsync(string key, string? from, string? subject, DateTime sent, Exception e, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            // False from it means another run recorded (or logged) it meanwhile: either way it is done here.
            await scope.ServiceProvider.GetRequiredService<DropboxIntake>()
                .RecordFailedAsync(key, MailboxOf(from), subject, sent, DropboxProblems.With(DropboxProblems.Failing, e.Message), ct);
            return true;
        }
        catch (Exception again) when (again is not OperationCanceledException)
        {
            log.LogWarning(again, "Dropbox: message {Key} could not be recorded as failed either.", key);
            return false;
        }
    }

    private static string? MailboxOf(string? header) =>
        header is not null && InternetAddressList.TryParse(header, out var list) ? list.Mailboxes.FirstOrDefault()?.Address : null;

    /// <summary>The connection, not the message, failed: the round ends and the job connects again.</summary>
    private static bool Connection(Exception e) =>
        e is IOException or System.Net.Sockets.SocketException or ImapProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException
            or FolderNotOpenException;

    private void Failed(Exception e)
    {
        log.LogWarning(e, "Dropbox: fetching mail failed; trying again shortly.");
        var text = Prospector.Data.UnicodeText.Prefix(e.Message, 500);
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate) _run = _run with { LastError = text, LastErrorAt = now, DownSince = _run.DownSince ?? now };
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

        private volatile bool _arrived;

        // Mail that arrives during a round (no IDLE running) is remembered, so the next IDLE does not wait for the bound.
        private void OnCountChanged(object? sender, EventArgs e)
        {
            _arrived = true;
            _done?.Cancel();
        }

        public async Task IdleAsync(ImapClient client, TimeSpan bound, CancellationToken stop)
        {
            if (_arrived)
            {
                _arrived = false;
                return;
            }
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
