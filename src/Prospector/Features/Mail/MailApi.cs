using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Mail;

/// <summary>
/// E-mail from Prospector over HTTP: templates (<c>/api/v1/email-templates</c>), preview and send (<c>/api/v1/emails</c>),
/// the suppression list and the caller's sender settings. The work is <see cref="TemplateService"/>'s, <see cref="MailService"/>'s
/// and <see cref="Suppressions"/>'.
/// </summary>
public static class MailApi
{
    public static IEndpointRouteBuilder MapMailApi(this IEndpointRouteBuilder app)
    {
        var t = app.MapGroup("/email-templates").WithTags("E-mail");
        t.MapGet("/", ListTemplates).WithSummary("The e-mail templates (everyone may use them).");
        t.MapPost("/", CreateTemplate).WithSummary("Adds a template (admins and managers): name, language (en, de, nl), subject and body with Liquid merge fields such as {{ salutation }}, {{ first_name }}, {{ last_name }}, {{ full_name }}, {{ company }}, {{ owner_name }}, {{ owner_signature }}, {{ signature }}, {{ sender_name }}. A template that does not parse is refused with the line and column.");
        t.MapGet("/{id:long}", GetTemplate).WithSummary("One template.");
        t.MapPut("/{id:long}", UpdateTemplate).WithSummary("Replaces a template's name, language, subject and body (admins and managers).");
        t.MapDelete("/{id:long}", DeleteTemplate).WithSummary("Deletes a template (admins and managers); mails sent with it stay logged. Refused (409, naming them in detail and in sequences) while a sequence step sends it.");
        var m = app.MapGroup("/emails").WithTags("E-mail");
        m.MapGet("/settings", Settings).WithSummary("Whether SMTP is configured (else nothing can be sent), the caller's sender name and signature, and the merge fields.");
        m.MapPut("/settings", UpdateSender).WithSummary("Sets the caller's sender name (empty: the display name) and signature ({{ signature }} in templates).");
        m.MapPost("/preview", Preview).WithSummary("Renders a template (templateId) or a text being written (subject, body, language) for one contact, as it would be sent.");
        m.MapPost("/", Send).WithSummary("Sends one mail to one contact through the configured SMTP server and logs it as an outbound e-mail on the contact's timeline. Refused (409, with a reason) when the contact has no address, withdrew e-mail consent or unsubscribed, when the mail could not be logged as the caller (reason CannotLog, e.g. the contact's company is one the caller may not see; checked before sending) or when SMTP is not configured; nothing is logged when the mail did not go out. When the server accepted the mail but logging failed afterwards the answer is still 200 with logged: false and a note: the mail is out, do not send it again.");
        m.MapPost("/bulk", Bulk).WithSummary("Sends a mail to each of up to 500 contacts over one SMTP connection, each with an unsubscribe link (and RFC 8058 List-Unsubscribe headers); contacts without an address, without e-mail consent, on the suppression list or whose mail could not be logged are skipped and named per reason, a recipient the server refused is listed under Failed with the server's answer. dryRun: true only says who would get it.");
        var s = app.MapGroup("/email-suppressions").WithTags("E-mail").RequireAuthorization(Policies.Admin);
        s.MapGet("/", ListSuppressions).WithSummary("The suppression list: addresses no bulk or template mail goes to (unsubscribed, or added by an admin).");
        s.MapPost("/", AddSuppression).WithSummary("Puts an address on the suppression list (admins).");
        s.MapDelete("/{id:long}", RemoveSuppression).WithSummary("Takes an address off the suppression list (admins); its withdrawn consent stays recorded.");
        return app;
    }

    private static async Task<Ok<List<TemplateDto>>> ListTemplates(TemplateService templates, CancellationToken ct) =>
        TypedResults.Ok((await templates.ListAsync(ct)).Select(TemplateDto.Of).ToList());

    private static async Task<Results<Ok<TemplateDto>, ValidationProblem, ProblemHttpResult>> GetTemplate(long id, TemplateService templates, CancellationToken ct) =>
        (await templates.FindAsync(id, ct)).ToOk(TemplateDto.Of);

    private static async Task<Results<Created<TemplateDto>, ValidationProblem, ProblemHttpResult>> CreateTemplate(Body<TemplateInput> body, AccessScope scope,
        TemplateService templates, CancellationToken ct) =>
        (await templates.CreateAsync(scope, body.Value, ct)).ToCreated(t => $"/api/v1/email-templates/{t.Id}", TemplateDto.Of);

    private static async Task<Results<Ok<TemplateDto>, ValidationProblem, ProblemHttpResult>> UpdateTemplate(long id, Body<TemplateInput> body, AccessScope scope,
        TemplateService templates, CancellationToken ct) =>
        (await templates.UpdateAsync(scope, id, body.Value, ct)).ToOk(TemplateDto.Of);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTemplate(long id, AccessScope scope, TemplateService templates, CancellationToken ct) =>
        (await templates.DeleteAsync(scope, id, ct)).ToNoContent();

    private static async Task<Ok<MailSettingsDto>> Settings(AccessScope scope, MailService mail, CancellationToken ct) =>
        TypedResults.Ok(await mail.SettingsAsync(scope.UserId, ct));

    private static async Task<Results<Ok<MailSettingsDto>, ValidationProblem, ProblemHttpResult>> UpdateSender(Body<SenderInput> body, AccessScope scope,
        Suppressions suppressions, MailService mail, CancellationToken ct)
    {
        var saved = await suppressions.UpdateSenderAsync(scope, body.Value, ct);
        if (!saved.IsOk) return saved.Kind == OutcomeKind.Invalid ? TypedResults.ValidationProblem(saved.Errors) : OutcomeResults.ProblemOf(saved);
        return TypedResults.Ok(await mail.SettingsAsync(scope.UserId, ct));
    }

    private static async Task<Results<Ok<PreviewDto>, ValidationProblem, ProblemHttpResult>> Preview(Body<PreviewRequest> body, AccessScope scope,
        MailService mail, CancellationToken ct) =>
        (await mail.PreviewAsync(scope, body.Value, ct)).ToOk();

    private static async Task<Results<Ok<SentDto>, ValidationProblem, ProblemHttpResult>> Send(Body<SendRequest> body, AccessScope scope,
        MailService mail, CancellationToken ct) =>
        (await mail.SendAsync(scope, body.Value, ct)).ToOk();

    private static async Task<Results<Ok<BulkResultDto>, ValidationProblem, ProblemHttpResult>> Bulk(Body<BulkSendRequest> body, AccessScope scope,
        MailService mail, CancellationToken ct) =>
        (await mail.BulkAsync(scope, body.Value, ct)).ToOk();

    private static async Task<Results<Ok<List<SuppressionDto>>, ValidationProblem, ProblemHttpResult>> ListSuppressions(AccessScope scope, Suppressions suppressions,
        CancellationToken ct) =>
        (await suppressions.ListAsync(scope, ct)).ToOk(list => list.Select(Dto).ToList());

    private static async Task<Results<Ok<SuppressionDto>, ValidationProblem, ProblemHttpResult>> AddSuppression(Body<SuppressionInput> body, AccessScope scope,
        Suppressions suppressions, CancellationToken ct) =>
        (await suppressions.AddAsync(scope, body.Value.Email, ct)).ToOk(Dto);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveSuppression(long id, AccessScope scope, Suppressions suppressions,
        CancellationToken ct) =>
        (await suppressions.RemoveAsync(scope, id, ct)).ToNoContent();

    private static SuppressionDto Dto(Data.SuppressedAddress s) => new(s.Id, s.Email, s.Reason, new DateTimeOffset(s.CreatedAt, TimeSpan.Zero));
}
