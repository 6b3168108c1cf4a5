using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Prospector.Features.Reminders;

/// <summary>SMTP settings (section "Smtp"). E-mail reminders stay off until a host is set.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>Auto (STARTTLS when offered), StartTls, SslOnConnect or None.</summary>
    public string Security { get; set; } = "Auto";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Prospector <prospector@localhost>";
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Reminder timing (section "Reminders").</summary>
public sealed class ReminderOptions
{
    /// <summary>How often the dispatcher looks for due reminders.</summary>
    public int PollSeconds { get; set; } = 30;
    /// <summary>Actions with a time are reminded this many minutes before they are due.</summary>
    public int LeadMinutes { get; set; } = 15;
    /// <summary>The address of this server as users reach it, for links in e-mails.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5000";
}

public sealed record MailMessage(string To, string ToName, string Subject, string Text, string Html);

/// <summary>
/// Sends e-mail over SMTP with MailKit (reminders, password resets, and e-mail from Prospector); throws with the server's
/// answer when it fails.
/// </summary>
public sealed class ReminderMail(IOptionsMonitor<SmtpOptions> options)
{
    public bool Enabled => options.CurrentValue.Enabled;

    /// <summary>The configured sender address (Smtp:From).</summary>
    public MailboxAddress From => MailboxAddress.Parse(options.CurrentValue.From);

    public async Task SendAsync(MailMessage m, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(From);
        message.To.Add(new MailboxAddress(m.ToName, m.To));
        message.Subject = m.Subject;
        message.Body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html }.ToMessageBody();
        await SendAsync(message, ct);
    }

    /// <summary>Sends a message built by the caller (e-mail from Prospector) over the same connection settings.</summary>
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        await using var batch = OpenBatch();
        await batch.SendAsync(message, ct);
    }

    /// <summary>One SMTP connection for many messages (a bulk send): opened at the first message, kept, reopened only when it broke.</summary>
    public SmtpBatch OpenBatch() => new(options.CurrentValue);
}

/// <summary>
/// Several messages over one SMTP connection. Before each further message a NOOP checks that the connection still stands
/// (a server may drop an idle one), and a dead one is replaced before anything is sent. A message is sent again on a new
/// connection only when the server cannot have taken it: the connection was gone, or the server refused the sender
/// (e.g. 421 after too many messages on one connection). A recipient or message the server refuses fails alone; the
/// connection stays for the next one. Never a second copy of a message the server may have accepted.
/// </summary>
public sealed class SmtpBatch(SmtpOptions o) : IAsyncDisposable
{
    private readonly SmtpClient _client = new() { Timeout = 30_000 };
    private bool _used;
    // A server that could not be reached or refused the sign-in stays so for the rest of the batch: each further mail fails
    // at once with the same reason instead of connecting (and failing to sign in) once per recipient, which can lock the account.
    private Exception? _broken;

    /// <summary>How many connections this batch opened (1 unless one broke).</summary>
    public int Connections { get; private set; }

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        await ReadyAsync(ct);
        try
        {
            await _client.SendAsync(message, ct);
        }
        catch (Exception e) when (NothingWasSent(e) && !ct.IsCancellationRequested)
        {
            await DropAsync();
            await ReadyAsync(ct);
            await SendOnceMoreAsync(message, ct);
        }
        catch (Exception e) when (e is not SmtpCommandException)
        {
            await DropAsync();
            throw;
        }
        _used = true;
    }

    private async Task SendOnceMoreAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            await _client.SendAsync(message, ct);
        }
        catch (Exception e) when (e is not SmtpCommandException)
        {
            await DropAsync();
            throw;
        }
    }

    private static bool NothingWasSent(Exception e) =>
        e is ServiceNotConnectedException
        || (e is SmtpCommandException c && c.ErrorCode == SmtpErrorCode.SenderNotAccepted && (int)c.StatusCode is >= 400 and < 500);

    private async Task ReadyAsync(CancellationToken ct)
    {
        if (_client.IsConnected && _used)
        {
            try
            {
                await _client.NoOpAsync(ct);
                return;
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException
                or System.Net.Sockets.SocketException or TimeoutException)
            {
                await DropAsync();
            }
        }
        if (_client.IsConnected) return;
        if (_broken is { } broken) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broken);
        var security = o.Security.ToUpperInvariant() switch
        {
            "NONE" => SecureSocketOptions.None,
            "STARTTLS" => SecureSocketOptions.StartTls,
            "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        try
        {
            await _client.ConnectAsync(o.Host!, o.Port, security, ct);
            Connections++;
            _used = false;
            if (!string.IsNullOrEmpty(o.UserName)) await _client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _broken = e;
            await DropAsync();
            throw;
        }
    }

    /// <summary>Closes a connection that failed, without a QUIT it would not answer.</summary>
    private async Task DropAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: false, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // gone already
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(quit: true, limit.Token);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or System.Net.Sockets.SocketException
            or OperationCanceledException or ObjectDisposedException or ServiceNotConnectedException)
        {
            // the messages are sent; a failed goodbye changes nothing
        }
        _client.Dispose();
    }
}
