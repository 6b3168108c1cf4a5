namespace Prospector.Data;

/// <summary>What happened to a web-form submission.</summary>
public enum SubmissionStatus
{
    /// <summary>Turned into a lead, or attached to the existing contact with that e-mail.</summary>
    Accepted,
    /// <summary>Looked like spam (honeypot filled, sent too fast, no valid form token): waits for an admin, never a contact.</summary>
    Review,
}

/// <summary>
/// A web-to-lead form: which contact fields it asks for, the consent text per language, what the visitor sees after sending,
/// the source written on the lead and who gets it (a fixed user, or the reps of a team in turn). Served at <c>/f/{Slug}</c>.
/// </summary>
public sealed class WebForm : IVersioned, IAudited
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The public address part: <c>/f/{Slug}</c>; never changes once given.</summary>
    public string Slug { get; set; } = "";
    /// <summary>The fields asked for, in order, as JSON: <c>[{"key":"email","required":true}, …]</c>.</summary>
    public string Fields { get; set; } = "[]";
    public string? ConsentTextEn { get; set; }
    public string? ConsentTextDe { get; set; }
    public string? ConsentTextNl { get; set; }
    /// <summary>The visitor must tick the consent box to send the form.</summary>
    public bool ConsentRequired { get; set; }
    public string? ThankYouEn { get; set; }
    public string? ThankYouDe { get; set; }
    public string? ThankYouNl { get; set; }
    /// <summary>An https address or a path on this site the visitor is sent to instead of the thank-you text.</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>Written as the lead's source.</summary>
    public string? Source { get; set; }
    /// <summary>The managed lead source the form's leads get (<see cref="Source"/> is its detail text).</summary>
    public long? LeadSourceId { get; set; }
    /// <summary>Every lead goes to this user…</summary>
    public long? OwnerId { get; set; }
    /// <summary>…or, when no owner is set, to the reps of this team in turn (round-robin).</summary>
    public long? TeamId { get; set; }
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One sending of a web form, as received (values as JSON), and what became of it.</summary>
public sealed class FormSubmission
{
    public long Id { get; set; }
    public long FormId { get; set; }
    public WebForm? Form { get; set; }
    public DateTime ReceivedAt { get; set; }
    public SubmissionStatus Status { get; set; }
    /// <summary>Why it waits for review: "honeypot", "too fast", "token".</summary>
    public string? ReviewReason { get; set; }
    /// <summary>The values sent for the form's fields, as a JSON object.</summary>
    public string Values { get; set; } = "{}";
    /// <summary>The language the form was shown in (en, de, nl): the consent text recorded is the one in this language.</summary>
    public string Language { get; set; } = "en";
    public bool ConsentGiven { get; set; }
    /// <summary>The contact it became or was attached to.</summary>
    public long? ContactId { get; set; }
    /// <summary>True when the submission created the contact (a new lead), false when it was attached to an existing one.</summary>
    public bool CreatedContact { get; set; }
    public DateTime? HandledAt { get; set; }
}
