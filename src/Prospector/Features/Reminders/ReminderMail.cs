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
        var o = options.CurrentValue;
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = o.Security.ToUpperInvariant() switch
        {
            "NONE" => SecureSocketOptions.None,
            "STARTTLS" => SecureSocketOptions.StartTls,
            "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        await client.ConnectAsync(o.Host!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.UserName)) await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
