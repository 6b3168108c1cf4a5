namespace Prospector.Data;

/// <summary>
/// An e-mail template (admins and managers keep the list): subject and body in one language, with Liquid merge fields
/// ({{ salutation }}, {{ first_name }}…) rendered by Fluid.
/// </summary>
public sealed class EmailTemplate : IAudited
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>en, de or nl: the language of the text and of the salutation.</summary>
    public string Language { get; set; } = "en";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public long? CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An address no bulk or template e-mail goes to any more (it unsubscribed, or an admin put it here).</summary>
public sealed class SuppressedAddress : IAudited
{
    public long Id { get; set; }
    /// <summary>Lower-case address.</summary>
    public string Email { get; set; } = "";
    /// <summary>"unsubscribe" (the link in a mail) or "manual" (an admin).</summary>
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public long? CreatedById { get; set; }
}
