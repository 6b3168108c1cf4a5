using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Contacts;

namespace Prospector.Features.Qualification;

public sealed record CriterionView(long Id, string Label, string? Description, int Weight, bool Required,
    CriterionAnswer Answer, string? Note, string? AnsweredBy, DateTime? AnsweredAt);

public sealed record GateView(Gate Gate, GateRuleKind Rule, int MinCount, int MinScore, bool Met, int Score,
    IReadOnlyList<MissingCriterion> MissingRequired, int OptionalShort, int WeightShort, IReadOnlyList<CriterionView> Criteria);

public sealed record QualificationView(long ContactId, Stage Stage, LeadStatus LeadStatus, string? UnqualifiedReason,
    DateOnly? RecontactOn, Gate? NextGate, IReadOnlyList<GateView> Gates);

public sealed record AnswersBody(IReadOnlyList<AnswerInput>? Answers);
public sealed record StageBody(Stage? Stage, string? Reason, bool Override);
public sealed record KeepForLaterBody(ConsentChannel? Channel, DateTime? GivenAt, string? Method, DateOnly? RecontactOn);
public sealed record DisqualifyBody(string? Reason, KeepForLaterBody? KeepForLater);
public enum ConversationOutcome { NotReady, No, Yes }
public sealed record OutcomeBody(ConversationOutcome? Outcome, DateOnly? FollowUpOn, string? Reason, KeepForLaterBody? KeepForLater,
    [property: Description("Yes only: the new deal's title; default \"<Company> – <person>\" (or the person's name).")] string? OpportunityTitle,
    [property: Description("Yes only: the new deal's amount in the workspace currency (0 or more); default 0.")] decimal? Amount,
    bool Override,
    [property: Description("Yes only: when the new deal is expected to close (today or later); default in 30 days.")] DateOnly? ExpectedCloseDate = null);
public sealed record OutcomeResult(QualificationView Qualification, long? OpportunityId);

public sealed record CriterionConfig(long? Id, string? Label, string? Description, int Weight, bool Required, bool Retired);
public sealed record GateConfig(Gate Gate, GateRuleKind Rule, int MinCount, int MinScore, IReadOnlyList<CriterionConfig>? Criteria);
public sealed record CriteriaConfig(IReadOnlyList<GateConfig>? Gates);

/// <summary>Qualification and lifecycle over HTTP: criteria answers, stage moves through gates, disqualify, outcomes.</summary>
public static class QualificationApi
{
    public static IEndpointRouteBuilder MapQualificationApi(this IEndpointRouteBuilder app)
    {
        var c = app.MapGroup("/contacts/{id:long}").WithTags("Qualification");
        c.MapGet("/qualification", Get);
        c.MapPut("/qualification", PutAnswers);
        c.MapPost("/stage", MoveStage);
        c.MapPost("/disqualify", Disqualify);
        c.MapPost("/outcome", Outcome).WithSummary("Record the outcome of a sales conversation: NotReady, No or Yes.")
            .WithDescription("Yes is the one way a lead becomes a prospect with a deal (the UI's \"Yes: make a prospect\" does the same): " +
                "the contact passes the Lead → Prospect gate (or a manager overrides it with a reason) and gets its first opportunity with " +
                "opportunityTitle, amount and expectedCloseDate (defaults: \"<Company> – <person>\", 0, in 30 days).");
        c.MapGet("/lifecycle", Events);
        var admin = app.MapGroup("/qualification/criteria").WithTags("Qualification");
        admin.MapGet("/", QualificationConfig.GetAsync);
        admin.MapPut("/", QualificationConfig.PutAsync).RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<QualificationView> ViewAsync(ProspectorDb db, Lifecycle lifecycle, Contact c, CancellationToken ct)
    {
        var (criteria, rules) = await lifecycle.ConfigAsync(ct);
        var answers = await db.QualificationAnswers.Where(a => a.ContactId == c.Id).ToListAsync(ct);
        var userIds = answers.Where(a => a.AnsweredById != null).Select(a => a.AnsweredById!.Value).Distinct().ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var byCriterion = answers.ToDictionary(a => a.CriterionId);
        var evaluations = await lifecycle.EvaluateAsync(c.Id, ct);
        var gates = evaluations.Select(e =>
        {
            var rule = rules.GetValueOrDefault(e.Gate) ?? new GateRule { Gate = e.Gate };
            var views = criteria.Where(q => q.Gate == e.Gate && q.RetiredAt == null).Select(q =>
            {
                var a = byCriterion.GetValueOrDefault(q.Id);
                return new CriterionView(q.Id, q.Label, q.Description, q.Weight, q.Required, a?.Answer ?? CriterionAnswer.Unknown, a?.Note,
                    a?.AnsweredById is { } by ? names.GetValueOrDefault(by) : null, a?.AnsweredAt);
            }).ToList();
            return new GateView(e.Gate, rule.Kind, rule.MinCount, rule.MinScore, e.Met, e.Score, e.MissingRequired, e.OptionalShort, e.WeightShort, views);
        }).ToList();
        return new QualificationView(c.Id, c.Stage, c.LeadStatus, c.UnqualifiedReason, c.RecontactOn, GateRules.Next(c.Stage), gates);
    }

    private static async Task<Results<Ok<QualificationView>, ProblemHttpResult>> Get(
        long id, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await ContactsApi.LoadAsync(db, id, await access.ScopeAsync(user, ct), ct);
        return c is null ? NotFound(id) : TypedResults.Ok(await ViewAsync(db, lifecycle, c, ct));
    }

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> PutAnswers(
        long id, AnswersBody body, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var c = await ContactsApi.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (body.Answers is not { Count: > 0 } answers) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["answers"] = [l["{0} is required.", "answers"]] });
        if (await lifecycle.AnswerAsync(c, answers, scope.UserId, ct) is { } errors) return TypedResults.ValidationProblem(errors);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, lifecycle, c, ct));
    }

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> MoveStage(
        long id, StageBody body, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (body.Stage is not { } stage) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["stage"] = [l["{0} is required.", "stage"]] });
        return await ChangeAsync(id, db, access, lifecycle, user, l, ct, (c, scope) => lifecycle.MoveAsync(c, stage, body.Reason, body.Override, scope, ct));
    }

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> Disqualify(
        long id, DisqualifyBody body, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (ToKeep(body.KeepForLater, l, out var keep) is { } invalid) return TypedResults.ValidationProblem(invalid);
        return await ChangeAsync(id, db, access, lifecycle, user, l, ct, (c, scope) => lifecycle.DisqualifyAsync(c, body.Reason, keep, scope, ct));
    }

    private static async Task<Results<Ok<OutcomeResult>, ValidationProblem, ProblemHttpResult>> Outcome(
        long id, OutcomeBody body, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (body.Outcome is not { } outcome)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["outcome"] = [l["{0} must be one of: {1}.", "outcome", "NotReady, No, Yes"]] });
        if (ToKeep(body.KeepForLater, l, out var keep) is { } invalid) return TypedResults.ValidationProblem(invalid);
        long? opportunityId = null;
        Opportunity? opportunity = null;
        var result = await ChangeAsync(id, db, access, lifecycle, user, l, ct, async (c, scope) =>
        {
            switch (outcome)
            {
                case ConversationOutcome.NotReady:
                    return await lifecycle.StandbyAsync(c, body.FollowUpOn, body.Reason, scope, ct);
                case ConversationOutcome.No:
                    return await lifecycle.DisqualifyAsync(c, body.Reason, keep, scope, ct);
                default:
                    var (r, o) = await lifecycle.WinOverAsync(c, new NewDeal(body.OpportunityTitle, body.Amount, body.ExpectedCloseDate),
                        body.Reason, body.Override, scope, ct);
                    opportunity = o;
                    return r;
            }
        });
        opportunityId = opportunity?.Id;
        return result.Result switch
        {
            Ok<QualificationView> ok => TypedResults.Ok(new OutcomeResult(ok.Value!, opportunityId)),
            ValidationProblem v => v,
            ProblemHttpResult p => p,
            _ => throw new InvalidOperationException(),
        };
    }

    private static async Task<Results<Ok<List<LifecycleEventView>>, ProblemHttpResult>> Events(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await ContactsApi.LoadAsync(db, id, await access.ScopeAsync(user, ct), ct);
        return c is null ? NotFound(id) : TypedResults.Ok(await LifecycleEventView.ForAsync(db, id, ct));
    }

    /// <summary>Loads the contact, runs the change in one transaction, and maps the outcome to HTTP.</summary>
    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        long id, ProspectorDb db, RecordAccess access, Lifecycle lifecycle, ClaimsPrincipal user, IStringLocalizer l, CancellationToken ct,
        Func<Contact, AccessScope, Task<LifecycleResult>> change)
    {
        var scope = await access.ScopeAsync(user, ct);
        var c = await ContactsApi.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await change(c, scope);
        if (result.Errors is { } errors) return TypedResults.ValidationProblem(errors);
        if (result.Forbidden)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Override not allowed"],
                detail: l["Only a manager or an admin may move a contact past an unmet gate."]);
        if (result.Unmet is { } unmet)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["The qualification gate is not met."],
                detail: string.Join(" ", unmet.Select(g => Describe(g, l))),
                extensions: new Dictionary<string, object?>
                {
                    ["gates"] = unmet.Select(g => new { gate = g.Gate.ToString(), missing = g.MissingRequired, optionalShort = g.OptionalShort, weightShort = g.WeightShort }).ToList(),
                });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, lifecycle, c, ct));
    }

    private static string Describe(GateEvaluation g, IStringLocalizer l) =>
        $"{g.Gate}: " + l["Still missing: {0}", string.Join("; ", new[]
        {
            g.MissingRequired.Count > 0 ? string.Join(", ", g.MissingRequired.Select(m => l[m.Label].Value)) : null,
            g.OptionalShort > 0 ? l["{0} more of the other criteria", g.OptionalShort].Value : null,
            g.WeightShort > 0 ? l["{0} more score points", g.WeightShort].Value : null,
        }.Where(s => s is not null))];

    private static Dictionary<string, string[]>? ToKeep(KeepForLaterBody? body, IStringLocalizer l, out KeepForLater? keep)
    {
        keep = null;
        if (body is null) return null;
        var errors = new Dictionary<string, string[]>();
        // Keeping a record for later is only lawful with the person's consent: channel, date and how it was given.
        if (body.Channel is null) errors["keepForLater.channel"] = [l["{0} must be one of: {1}.", "channel", "Email, Phone, Sms"]];
        if (body.GivenAt is null) errors["keepForLater.givenAt"] = [l["{0} is required.", "givenAt"]];
        if (string.IsNullOrWhiteSpace(body.Method)) errors["keepForLater.method"] = [l["Say how the consent was given (up to 200 characters)."]];
        if (body.RecontactOn is null) errors["keepForLater.recontactOn"] = [l["Choose a recontact date in the future."]];
        if (errors.Count > 0) return errors;
        keep = new KeepForLater(body.Channel!.Value, body.GivenAt!.Value, body.Method!, body.RecontactOn!.Value);
        return null;
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Contact not found", detail: $"There is no contact {id} that you can see.");
}
