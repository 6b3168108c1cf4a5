using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Forms;

/// <summary>Web-to-lead forms and their submissions (admins): <c>/api/v1/forms</c>. The work is <see cref="FormService"/>'s.</summary>
public static class FormsApi
{
    public static IEndpointRouteBuilder MapFormsApi(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/forms").WithTags("Web forms").RequireAuthorization(Policies.Admin);
        forms.MapGet("/", List).WithSummary("The web-to-lead forms, each with its public address and the HTML to paste into a website.");
        forms.MapPost("/", Create).WithSummary("Builds a web-to-lead form: fields, consent text per language, thank-you or redirect, source and owner (a user, or a team's reps in turn).");
        forms.MapGet("/{id:long}", Get).WithSummary("One form; ?lang=de or nl gives the embed HTML in that language. The ETag is its version.");
        forms.MapPut("/{id:long}", Update).WithIfMatch().WithSummary("Replaces the form's settings (If-Match: the version from GET). Its public address stays.");
        forms.MapDelete("/{id:long}", Delete).WithSummary("Deletes the form and its submissions; the leads it made stay.");
        forms.MapGet("/{id:long}/submissions", Submissions)
            .WithSummary("The form's submissions, newest first (up to 500); ?status=Review lists those held as likely spam.");
        forms.MapPost("/{id:long}/submissions/{submissionId:long}/accept", Accept)
            .WithSummary("Turns a submission held for review into a lead (or attaches it to the contact with that e-mail), with the same checks as a clean one.");
        forms.MapDelete("/{id:long}/submissions/{submissionId:long}", DeleteSubmission).WithSummary("Deletes a submission (spam); a lead it made stays.");
        return app;
    }

    private static async Task<Ok<List<FormDto>>> List(FormService forms, HttpRequest request, FormTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var counts = await forms.CountsAsync(ct);
        return TypedResults.Ok((await forms.ListAsync(ct)).Select(f => Dto(f, request, tokens, l, "en", counts)).ToList());
    }

    private static async Task<Results<Ok<FormDto>, ValidationProblem, ProblemHttpResult>> Get(long id, string? lang, FormService forms, HttpRequest request,
        HttpResponse response, FormTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (lang is not (null or "en" or "de" or "nl")) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["lang"] = [l["{0} must be one of: {1}.", "lang", "en, de, nl"]] });
        var found = await forms.FindAsync(id, ct);
        if (found.IsOk) response.Headers.ETag = Api.ETag(found.Value!.Version);
        var counts = await forms.CountsAsync(ct);
        return found.ToOk(f => Dto(f, request, tokens, l, lang ?? "en", counts));
    }

    private static async Task<Results<Created<FormDto>, ValidationProblem, ProblemHttpResult>> Create(Body<FormInput> body, AccessScope scope, FormService forms,
        HttpRequest request, FormTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct) =>
        (await forms.CreateAsync(scope, body.Value, ct)).ToCreated(f => $"/api/v1/forms/{f.Id}", f => Dto(f, request, tokens, l, "en", new Dictionary<long, (int, int)>()));

    private static async Task<Results<Ok<FormDto>, ValidationProblem, ProblemHttpResult>> Update(long id, Body<FormInput> body, AccessScope scope, FormService forms,
        HttpRequest request, HttpResponse response, FormTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } version) return Api.PreconditionRequired();
        var saved = await forms.UpdateAsync(scope, id, version, body.Value, ct);
        if (saved.IsOk) response.Headers.ETag = Api.ETag(saved.Value!.Version);
        var counts = await forms.CountsAsync(ct);
        return saved.ToOk(f => Dto(f, request, tokens, l, "en", counts));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(long id, AccessScope scope, FormService forms, CancellationToken ct) =>
        (await forms.DeleteAsync(scope, id, ct)).ToNoContent();

    private static async Task<Results<Ok<List<SubmissionDto>>, ValidationProblem, ProblemHttpResult>> Submissions(long id, SubmissionStatus? status,
        FormService forms, CancellationToken ct) =>
        (await forms.SubmissionsAsync(id, status, ct)).ToOk();

    private static async Task<Results<Ok<SubmissionDto>, ValidationProblem, ProblemHttpResult>> Accept(long id, long submissionId, AccessScope scope,
        FormService forms, CancellationToken ct) =>
        (await forms.AcceptAsync(scope, id, submissionId, ct)).ToOk();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSubmission(long id, long submissionId, AccessScope scope,
        FormService forms, CancellationToken ct) =>
        (await forms.DeleteSubmissionAsync(scope, id, submissionId, ct)).ToNoContent();

    /// <summary>The form as the API shows it, with its absolute public address (as this request reached the server) and embed HTML.</summary>
    public static FormDto Dto(WebForm f, HttpRequest request, FormTokens tokens, IStringLocalizer l, string lang,
        IReadOnlyDictionary<long, (int Accepted, int ToReview)> counts) =>
        FormView.Dto(f, $"{request.Scheme}://{request.Host}{request.PathBase}", tokens, l, lang, counts);
}

/// <summary>A form with its address and snippet, for the API and the builder page.</summary>
public static class FormView
{
    public static string PublicUrl(WebForm f, string baseUrl) => $"{baseUrl.TrimEnd('/')}/f/{f.Slug}";

    /// <summary>The embed HTML in <paramref name="lang"/>: labels and consent text in that language.</summary>
    public static string Embed(WebForm f, string baseUrl, FormTokens tokens, IStringLocalizer l, string lang)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(lang);
            return FormHtml.Snippet(f, PublicUrl(f, baseUrl), lang, tokens.ForEmbed(f.Id), l);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }

    public static FormDto Dto(WebForm f, string baseUrl, FormTokens tokens, IStringLocalizer l, string lang,
        IReadOnlyDictionary<long, (int Accepted, int ToReview)> counts)
    {
        var (accepted, review) = counts.TryGetValue(f.Id, out var c) ? c : (0, 0);
        return new(f.Id, f.Name, f.Slug, FormFields.Parse(f.Fields), LeadIntake.ConsentText(f), f.ConsentRequired,
            new FormTexts(f.ThankYouEn, f.ThankYouDe, f.ThankYouNl), f.RedirectUrl, f.LeadSourceId, f.Source, f.OwnerId, f.TeamId, f.Active, f.Version,
            PublicUrl(f, baseUrl), Embed(f, baseUrl, tokens, l, lang), accepted, review);
    }
}
