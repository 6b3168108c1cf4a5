using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Mail;

/// <summary>
/// The e-mail templates: everyone may use them, admins and managers keep the list. A template that does not parse is
/// refused with the parser's message (line and column), so it never reaches a send.
/// </summary>
public sealed class TemplateService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public static readonly string[] Languages = ["en", "de", "nl"];
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Outcome<T> NotFound<T>(long id) => Outcome<T>.NotFound("Template not found", l["There is no e-mail template {0}.", id]);
    private Outcome<T> KeepersOnly<T>() => Outcome<T>.Forbidden("Forbidden", l["Only admins and managers keep the e-mail templates."]);

    public async Task<List<EmailTemplate>> ListAsync(CancellationToken ct = default) =>
        await db.EmailTemplates.AsNoTracking().OrderBy(t => t.Name).ThenBy(t => t.Language).ThenBy(t => t.Id).ToListAsync(ct);

    public async Task<Outcome<EmailTemplate>> FindAsync(long id, CancellationToken ct = default) =>
        await db.EmailTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) is { } t ? t : NotFound<EmailTemplate>(id);

    public Task<Outcome<EmailTemplate>> CreateAsync(AccessScope scope, TemplateInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return KeepersOnly<EmailTemplate>();
        var t = new EmailTemplate { CreatedAt = Now, CreatedById = scope.UserId };
        if (Apply(t, input) is { } errors) return Outcome<EmailTemplate>.Invalid(errors);
        db.EmailTemplates.Add(t);
        await Task.CompletedTask;
        return t;
    }, ct);

    public Task<Outcome<EmailTemplate>> UpdateAsync(AccessScope scope, long id, TemplateInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return KeepersOnly<EmailTemplate>();
        var t = await db.EmailTemplates.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return NotFound<EmailTemplate>(id);
        if (Apply(t, input) is { } errors) return Outcome<EmailTemplate>.Invalid(errors);
        return t;
    }, ct);

    public Task<Outcome<Done>> DeleteAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return KeepersOnly<Done>();
        var t = await db.EmailTemplates.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return NotFound<Done>(id);
        // A sequence step that sends it would skip its mail from then on without anyone noticing: refused, naming them.
        var sequences = await db.SequenceSteps.Where(st => st.TemplateId == id).Join(db.Sequences, st => st.SequenceId, q => q.Id, (_, q) => q.Name)
            .Distinct().OrderBy(n => n).ToListAsync(ct);
        if (sequences.Count > 0)
            return Outcome<Done>.Conflict("The template is used by a sequence",
                l["The template \"{0}\" is sent by the sequence(s) {1}; change those steps first, then delete it.", t.Name, string.Join(", ", sequences.Select(n => $"\"{n}\""))],
                new Dictionary<string, object?> { ["sequences"] = sequences });
        db.EmailTemplates.Remove(t);
        return new Done();
    }, ct);

    private Dictionary<string, string[]>? Apply(EmailTemplate t, TemplateInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors["name"] = [l["Give the template a name (1 to {0} characters).", 200]];
        var language = input.Language?.Trim().ToLowerInvariant() ?? "";
        if (!Languages.Contains(language)) errors["language"] = [l["{0} must be one of: {1}.", "language", "en, de, nl"]];
        Check(errors, "subject", input.Subject, 500);
        Check(errors, "body", input.Body, 50_000);
        if (errors.Count > 0) return errors;
        t.Name = name;
        t.Language = language;
        t.Subject = input.Subject!.Trim();
        t.Body = input.Body!;
        t.UpdatedAt = Now;
        return null;
    }

    /// <summary>A subject or body must be given, fit, and parse as a template.</summary>
    public void Check(Dictionary<string, string[]> errors, string field, string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > max) errors[field] = [l["Write the {0} (1 to {1} characters).", field, max]];
        else if (TemplateRenderer.Check(text) is { } error) errors[field] = [l["The {0} is not a valid template: {1}", field, error]];
    }
}
