namespace Prospector.Features.Dropbox;

/// <summary>
/// The "Dropbox" section: the IMAP mailbox behind the workspace's dropbox address. Logging stays off until a host is set.
/// </summary>
public sealed class DropboxOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    /// <summary>Auto (TLS on 993, STARTTLS when offered otherwise), StartTls, SslOnConnect or None.</summary>
    public string Security { get; set; } = "Auto";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>The address users put in BCC or forward to, as shown to them (e.g. log@crm.example.com).</summary>
    public string? Address { get; set; }
    /// <summary>The folder to read; a logged message is flagged \Seen there and not read again.</summary>
    public string Folder { get; set; } = "INBOX";
    /// <summary>How often to look for new mail when the server offers no IDLE (and the longest an IDLE lasts).</summary>
    public int PollSeconds { get; set; } = 60;
    /// <summary>Plain-text bodies longer than this are shortened in the activity, with a marker (at most 20,000: the notes limit).</summary>
    public int MaxBodyChars { get; set; } = 10_000;
    /// <summary>
    /// A message larger than this is not downloaded whole: only its text part is (if that part is smaller), else it is recorded
    /// as too large and skipped.
    /// </summary>
    public long MaxMessageBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>False: this instance shows the address but does not fetch (another instance does; fetching on several is safe too).</summary>
    public bool Fetch { get; set; } = true;
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
