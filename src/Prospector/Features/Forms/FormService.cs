using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Forms;

/// <summary>
/// Every admin write to web forms and their submissions, for the API and the pages alike: build and change a form (the
/// owner through the hand-over rule), list its submissions, accept one waiting for review into a lead or delete it.
/// </summary>
public sealed class FormService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, LeadIntake intake)
{
    public const int MaxText = 1000;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Outcome<T> NotFound<T>(long id) => Outcome<T>.NotFound("Form not found", l["There is no form {0}.", id]);
    private static Outcome<T> AdminsOnly<T>() => Outcome<T>.Forbidden("Forbidden", "Only admins build web forms.");

    public async Task<List<WebForm>> ListAsync(CancellationToken ct = default) =>
        await db.WebForms.AsNoTracking().OrderBy(f => f.Name).ThenBy(f => f.Id).ToListAsync(ct);

    public async Task<Dictionary<long, (int Accepted, int ToReview)>> CountsAsync(CancellationToken ct = default) =>
        (await db.FormSubmissions.GroupBy(s => new { s.FormId, s.Status }).Select(g => new { g.Key.FormId, g.Key.Status, N = g.Count() }).ToListAsync(ct))
        .GroupBy(x => x.FormId)
        .ToDictionary(g => g.Key, g => (g.Where(x => x.Status == SubmissionStatus.Accepted).Sum(x => x.N), g.Where(x => x.Status == SubmissionStatus.Review).Sum(x => x.N)));

    public async Task<Outcome<WebForm>> FindAsync(long id, CancellationToken ct = default) =>
        await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct) is { } f ? f : NotFound<WebForm>(id);

    public Task<Outcome<WebForm>> CreateAsync(AccessScope scope, FormInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<WebForm>();
        var form = new WebForm { CreatedAt = Now, Slug = await NewSlugAsync(input.Name, ct) };
        if (await ApplyAsync(scope, form, input, ct) is { } errors) return Outcome<WebForm>.Invalid(errors);
        db.WebForms.Add(form);
        return form;
    }, ct);

    public Task<Outcome<WebForm>> UpdateAsync(AccessScope scope, long id, int expectedVersion, FormInput input, CancellationToken ct = default) =>
        UnitOfWork.RunAsync(db, async () =>
        {
            if (!scope.IsAdmin) return AdminsOnly<WebForm>();
            var form = await db.WebForms.FirstOrDefaultAsync(f => f.Id == id, ct);
            if (form is null) return NotFound<WebForm>(id);
            if (form.Version != expectedVersion) return Outcome<WebForm>.Stale(form.Version);
            if (await ApplyAsync(scope, form, input, ct) is { } errors) return Outcome<WebForm>.Invalid(errors);
            return form;
        }, ct);

    public Task<Outcome<Done>> DeleteAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<Done>();
        var form = await db.WebForms.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (form is null) return NotFound<Done>(id);
        db.FormSubmissions.RemoveRange(db.FormSubmissions.Where(s => s.FormId == id));
        db.WebForms.Remove(form);
        return new Done();
    }, ct);

    public async Task<Outcome<List<SubmissionDto>>> SubmissionsAsync(long formId, SubmissionStatus? status, CancellationToken ct = default)
    {
        if (!await db.WebForms.AnyAsync(f => f.Id == formId, ct)) return NotFound<List<SubmissionDto>>(formId);
        var q = db.FormSubmissions.AsNoTracking().Where(s => s.FormId == formId);
        if (status is { } st) q = q.Where(s => s.Status == st);
        var rows = await q.OrderByDescending(s => s.ReceivedAt).ThenByDescending(s => s.Id).Take(500).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    /// <summary>A submission held for review becomes a lead after all (the same checks and the same lead as a clean submission).</summary>
    public Task<Outcome<SubmissionDto>> AcceptAsync(AccessScope scope, long formId, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<SubmissionDto>();
        var s = await db.FormSubmissions.Include(x => x.Form).FirstOrDefaultAsync(x => x.Id == id && x.FormId == formId, ct);
        if (s is null) return Outcome<SubmissionDto>.NotFound("Submission not found", l["There is no submission {0} of this form.", id]);
        if (s.Status == SubmissionStatus.Accepted) return Outcome<SubmissionDto>.Conflict("Already accepted", l["This submission is a lead already."]);
        var values = ParseValues(s.Values);
        if (FormValidation.Check(s.Form!, values, s.ConsentGiven, l) is { Count: > 0 } invalid)
            return Outcome<SubmissionDto>.Invalid(invalid.ToDictionary(kv => "values." + kv.Key, kv => new[] { kv.Value }));
        var made = await intake.IntakeAsync(s.Form!, values, s.Language, s.ConsentGiven, s.ReceivedAt, ct);
        if (!made.IsOk) return made.As<SubmissionDto>();
        (s.Status, s.ContactId, s.CreatedContact, s.HandledAt) = (SubmissionStatus.Accepted, made.Value!.ContactId, made.Value.Created, Now);
        return ToDto(s);
    }, ct);

    public Task<Outcome<Done>> DeleteSubmissionAsync(AccessScope scope, long formId, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<Done>();
        var s = await db.FormSubmissions.FirstOrDefaultAsync(x => x.Id == id && x.FormId == formId, ct);
        if (s is null) return Outcome<Done>.NotFound("Submission not found", l["There is no submission {0} of this form.", id]);
        db.FormSubmissions.Remove(s);
        return new Done();
    }, ct);

    public static SubmissionDto ToDto(FormSubmission s) =>
        new(s.Id, s.FormId, s.ReceivedAt, s.Status, s.ReviewReason, ParseValues(s.Values), s.Language, s.ConsentGiven, s.ContactId, s.CreatedContact);

    public static Dictionary<string, string> ParseValues(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<Dictionary<string, string[]>?> ApplyAsync(AccessScope scope, WebForm form, FormInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name)) Fail("name", l["{0} is required.", "name"]);
        else if (name.Length > 200) Fail("name", l["{0} is longer than {1} characters.", "name", 200]);
        var fields = input.Fields ?? FormFields.Defaults;
        if (fields.FirstOrDefault(f => FormFields.Find(f.Key ?? "") is null) is { } unknown)
            Fail("fields", l["{0} must be one of: {1}.", unknown.Key ?? "", string.Join(", ", FormFields.All.Select(k => k.Key))]);
        CheckTexts(input.ConsentText, "consentText", Fail);
        CheckTexts(input.ThankYou, "thankYou", Fail);
        if (input.ConsentRequired == true && string.IsNullOrWhiteSpace(input.ConsentText?.En))
            Fail("consentText.en", l["A required consent box needs its text (at least in English)."]);
        string? redirect = null;
        if (!string.IsNullOrWhiteSpace(input.RedirectUrl) && (redirect = FormRedirect.Normalise(input.RedirectUrl)) is null)
            Fail("redirectUrl", l["Give an https:// address or a path on this site starting with /."]);
        var source = input.Source?.Trim();
        if (source is { Length: > 100 }) Fail("source", l["{0} is longer than {1} characters.", "source", 100]);
        var sourceId = input.SourceId ?? (await Sources.SourceLookup.FindAsync(db, "website", ct))?.Id;
        if (input.SourceId is { } sid && await Sources.SourceLookup.ProblemAsync(db, sid, form.LeadSourceId, ct) is { } sourceProblem)
            Fail("sourceId", l[sourceProblem.Key, sourceProblem.Arg]);
        if (input.OwnerId is null && input.TeamId is null) Fail("ownerId", l["Choose who gets the leads: a user, or a team whose reps take turns."]);
        else if (input.OwnerId is not null && input.TeamId is not null) Fail("teamId", l["Choose either a user or a team, not both."]);
        else if (input.OwnerId is { } owner && await scope.HandOverProblemAsync(db, owner, ct) is { } problem) Fail("ownerId", l[problem, owner]);
        else if (input.TeamId is { } team)
        {
            if (!await db.Teams.AnyAsync(t => t.Id == team, ct)) Fail("teamId", l["There is no team {0}.", team]);
            else if (scope.HandOverTeamProblem(team) is { } teamProblem) Fail("teamId", l[teamProblem]);
        }
        if (errors.Count > 0) return errors;

        form.Name = name!;
        form.Fields = FormFields.Serialize(FormFields.Normalise(fields));
        (form.ConsentTextEn, form.ConsentTextDe, form.ConsentTextNl) = (Clean(input.ConsentText?.En), Clean(input.ConsentText?.De), Clean(input.ConsentText?.Nl));
        (form.ThankYouEn, form.ThankYouDe, form.ThankYouNl) = (Clean(input.ThankYou?.En), Clean(input.ThankYou?.De), Clean(input.ThankYou?.Nl));
        form.ConsentRequired = input.ConsentRequired ?? false;
        form.RedirectUrl = redirect;
        form.Source = string.IsNullOrEmpty(source) ? null : source;
        form.LeadSourceId = sourceId;
        (form.OwnerId, form.TeamId) = (input.OwnerId, input.OwnerId is null ? input.TeamId : null);
        form.Active = input.Active ?? true;
        return null;
    }

    private void CheckTexts(FormTexts? texts, string field, Action<string, string> fail)
    {
        foreach (var (lang, text) in new[] { ("en", texts?.En), ("de", texts?.De), ("nl", texts?.Nl) })
            if (text?.Trim() is { Length: > MaxText }) fail($"{field}.{lang}", l["{0} is longer than {1} characters.", $"{field}.{lang}", MaxText]);
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>A readable, unguessable address part: the name folded to a–z, 0–9 and dashes, then six random characters.</summary>
    private async Task<string> NewSlugAsync(string? name, CancellationToken ct)
    {
        var folded = TextKeys.Fold(name ?? "");
        var chars = folded.Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray();
        var stem = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (stem.Length > 40) stem = stem[..40].TrimEnd('-');
        while (true)
        {
            var suffix = new string(RandomNumberGenerator.GetItems<char>("abcdefghijkmnpqrstuvwxyz23456789", 6));
            var slug = stem.Length > 0 ? $"{stem}-{suffix}" : suffix;
            if (!await db.WebForms.AnyAsync(f => f.Slug == slug, ct)) return slug;
        }
    }
}
