using System.ComponentModel;
using Prospector.Data;

namespace Prospector.Features.Forms;

/// <summary>A text in each language of the public form; a language left empty falls back to English.</summary>
public sealed record FormTexts(string? En, string? De, string? Nl)
{
    public string? In(string language) => (language switch { "de" => De, "nl" => Nl, _ => En }) is { Length: > 0 } t ? t : En;
}

/// <summary>The body of <c>POST /forms</c> and <c>PUT /forms/{id}</c> (If-Match: the version from GET).</summary>
public sealed record FormInput(
    [property: Description("Shown to admins and as the page title of the public form (up to 200 characters).")] string? Name,
    [property: Description("The fields asked for: keys from firstName, lastName, email, phone, company, jobTitle, message. The e-mail is always asked for and required.")]
    IReadOnlyList<FormField>? Fields,
    [property: Description("The consent checkbox text per language (en, de, nl); none: no consent box.")] FormTexts? ConsentText,
    [property: Description("The visitor must tick the consent box to send the form.")] bool? ConsentRequired,
    [property: Description("What the visitor reads after sending, per language; none: a standard thank-you.")] FormTexts? ThankYou,
    [property: Description("Instead of the thank-you text, send the visitor here: an https address or a path on this site.")] string? RedirectUrl,
    [property: Description("The managed lead source the form's leads get (GET /api/v1/sources); left out: website.")] long? SourceId,
    [property: Description("Written as the lead's source detail (up to 100 characters), e.g. which page the form is on.")] string? Source,
    [property: Description("Every lead goes to this user; or leave it out and name a teamId.")] long? OwnerId,
    [property: Description("Leads go to the active reps of this team in turn (round-robin); only when ownerId is left out.")] long? TeamId,
    [property: Description("An inactive form answers 404 at its public address.")] bool? Active);

/// <summary>A web form as the API shows it, with its public address and the HTML to paste into a website.</summary>
public sealed record FormDto(long Id, string Name, string Slug, IReadOnlyList<FormField> Fields, FormTexts ConsentText, bool ConsentRequired,
    FormTexts ThankYou, string? RedirectUrl, long? SourceId, string? Source, long? OwnerId, long? TeamId, bool Active, int Version, string PublicUrl, string EmbedHtml,
    int Accepted, int ToReview);

/// <summary>One submission of a form: the values sent, and the contact it became (accepted) or why it waits for review.</summary>
public sealed record SubmissionDto(long Id, long FormId, DateTime ReceivedAt, SubmissionStatus Status, string? ReviewReason,
    IReadOnlyDictionary<string, string> Values, string Language, bool ConsentGiven, long? ContactId, bool CreatedContact);
