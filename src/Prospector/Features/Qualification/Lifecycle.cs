using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Qualification;

public sealed record AnswerInput(long CriterionId, CriterionAnswer Answer, string? Note);

/// <summary>The deal a "yes" opens; empty fields get the defaults of <see cref="Lifecycle.SuggestDealAsync"/>.</summary>
public sealed record NewDeal(string? Title, decimal? Amount, DateOnly? ExpectedCloseDate);

/// <summary>Consent and a date: what "keep for future contact" needs.</summary>
public sealed record KeepForLater(ConsentChannel Channel, DateTime GivenAt, string Method, DateOnly RecontactOn);

/// <summary>
/// The lifecycle rules of a contact: criteria answers, stage moves through gates, disqualification, keep-for-later,
/// the outcome of a sales conversation. Every change is also written as a <see cref="LifecycleEvent"/>, from which
/// the timeline and the funnel reports are computed. Each change answers an <see cref="Outcome{T}"/>: done, invalid input,
/// refused by a gate (a conflict naming what is still missing) or forbidden. Next actions go through <see cref="CurrentAction"/>.
/// <see cref="Qualifications"/> runs a change in its transaction; callers of these methods save the context.
/// </summary>
public sealed class Lifecycle(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, CurrentAction current)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static readonly Outcome<Done> Ok = Outcome<Done>.Ok(default);

    /// <summary>Today in the acting user's time zone ("in the future" means after this day).</summary>
    private Task<DateOnly> TodayAsync(AccessScope scope, CancellationToken ct) => CurrentAction.TodayAsync(db, scope.UserId, time, ct);

    public async Task<(List<QualificationCriterion> Criteria, Dictionary<Gate, GateRule> Rules)> ConfigAsync(CancellationToken ct = default) =>
        (await db.QualificationCriteria.OrderBy(c => c.Gate).ThenBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(ct),
         await db.GateRules.ToDictionaryAsync(r => r.Gate, ct));

    public async Task<List<GateEvaluation>> EvaluateAsync(long contactId, CancellationToken ct = default)
    {
        var (criteria, rules) = await ConfigAsync(ct);
        var answers = await db.QualificationAnswers.Where(a => a.ContactId == contactId).ToDictionaryAsync(a => a.CriterionId, a => a.Answer, ct);
        return [.. Enum.GetValues<Gate>().Select(g => GateRules.Evaluate(g, rules.GetValueOrDefault(g) ?? new GateRule { Gate = g }, criteria, answers))];
    }

    public async Task<Outcome<Done>> AnswerAsync(Contact c, IReadOnlyList<AnswerInput> input, long actorId, CancellationToken ct = default)
    {
        var ids = input.Select(a => a.CriterionId).ToList();
        var known = await db.QualificationCriteria.Where(q => ids.Contains(q.Id) && q.RetiredAt == null).Select(q => q.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0)
            return Outcome<Done>.Invalid("answers", l["There is no active criterion {0}.", string.Join(", ", unknown)]);
        if (input.FirstOrDefault(a => a.Note is { Length: > 1000 }) is not null)
            return Outcome<Done>.Invalid("answers", l["{0} is longer than {1} characters.", "note", 1000]);
        var existing = await db.QualificationAnswers.Where(a => a.ContactId == c.Id && ids.Contains(a.CriterionId)).ToListAsync(ct);
        foreach (var a in input)
        {
            var row = existing.FirstOrDefault(x => x.CriterionId == a.CriterionId);
            var note = string.IsNullOrWhiteSpace(a.Note) ? null : a.Note.Trim();
            if (row is not null && row.Answer == a.Answer && row.Note == note) continue;
            if (row is null) db.QualificationAnswers.Add(row = new QualificationAnswer { ContactId = c.Id, CriterionId = a.CriterionId });
            (row.Answer, row.Note, row.AnsweredById, row.AnsweredAt) = (a.Answer, note, actorId, Now);
            db.LifecycleEvents.Add(new LifecycleEvent
            {
                ContactId = c.Id, Kind = LifecycleEventKind.CriterionAnswered, CriterionId = a.CriterionId, Answer = a.Answer,
                Reason = note, ById = actorId, At = Now,
            });
        }
        return Ok;
    }

    /// <summary>Moves a contact to another stage; upward moves must pass the gates they cross, unless overridden.</summary>
    public async Task<Outcome<Done>> MoveAsync(Contact c, Stage target, string? reason, bool overrideGate, AccessScope scope, CancellationToken ct = default)
    {
        if (target == c.Stage) return Ok;
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > 1000 }) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", 1000]);
        if (target >= Stage.Customer && !scope.IsManagerOrAdmin)
            return Invalid("stage", l["A contact becomes a customer when an opportunity is won."]);
        // Back a stage (a prospect that turns out to be a lead after all): the reason goes into the lifecycle, so the funnel can be read.
        if (target < c.Stage && reason is null) return Invalid("reason", l["Say why the contact moves back to an earlier stage."]);
        var crossed = GateRules.Crossed(c.Stage, target);
        var unmet = crossed.Count == 0 ? [] : (await EvaluateAsync(c.Id, ct)).Where(e => crossed.Contains(e.Gate) && !e.Met).ToList();
        var overridden = false;
        if (unmet.Count > 0)
        {
            if (!overrideGate) return GateNotMet(unmet);
            if (!scope.IsManagerOrAdmin)
                return Outcome<Done>.Forbidden("Override not allowed", l["Only a manager or an admin may move a contact past an unmet gate."]);
            if (reason is null) return Invalid("reason", l["An override needs a reason."]);
            overridden = true;
        }
        var upward = target > c.Stage;
        SetStage(c, target, reason, overridden, scope.UserId);
        // Moving up means someone works the contact (again): a new or a disqualified one becomes Working.
        if (upward && target >= Stage.Lead && c.LeadStatus is LeadStatus.New or LeadStatus.Unqualified)
        {
            SetStatus(c, LeadStatus.Working, reason, scope.UserId);
            c.UnqualifiedReason = null;
            c.RecontactOn = null;
        }
        return Ok;
    }

    /// <summary>Disqualifies a contact (a reason is required), optionally keeping it for a later recontact with consent.</summary>
    public async Task<Outcome<Done>> DisqualifyAsync(Contact c, string? reason, KeepForLater? keep, AccessScope scope, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Invalid("reason", l["Say why the contact is disqualified."]);
        if (reason.Length > 500) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", 500]);
        if (keep is not null && KeepErrors(keep, await TodayAsync(scope, ct)) is { } errors) return Outcome<Done>.Invalid(errors);
        c.UnqualifiedReason = reason.Trim();
        SetStatus(c, LeadStatus.Unqualified, c.UnqualifiedReason, scope.UserId);
        if (keep is null)
        {
            c.RecontactOn = null;
            await CloseOpenActionAsync(c, ct);
            return Ok;
        }
        c.Consents.Add(new ConsentRecord
        {
            Channel = keep.Channel, Status = ConsentStatus.Granted, GivenAt = keep.GivenAt.ToUniversalTime(), Method = keep.Method.Trim(),
            Note = l["Kept for future contact"], RecordedById = scope.UserId, RecordedAt = Now,
        });
        c.RecontactOn = keep.RecontactOn;
        return await ScheduleAsync(c, keep.RecontactOn, l["Recontact (kept for later): {0}", c.UnqualifiedReason], scope, ct,
            ("dueDate", "keepForLater.recontactOn"), ("note", "reason"));
    }

    /// <summary>"Not ready yet": standby in Nurturing until the follow-up date, with a next action on that day.</summary>
    public async Task<Outcome<Done>> StandbyAsync(Contact c, DateOnly? followUpOn, string? note, AccessScope scope, CancellationToken ct = default)
    {
        if (followUpOn is not { } date || date <= await TodayAsync(scope, ct))
            return Invalid("followUpOn", l["Choose a follow-up date in the future."]);
        SetStatus(c, LeadStatus.Nurturing, note, scope.UserId);
        c.RecontactOn = date;
        return await ScheduleAsync(c, date, string.IsNullOrWhiteSpace(note) ? l["Follow up: not ready yet"] : note.Trim(), scope, ct,
            ("dueDate", "followUpOn"), ("note", "reason"));
    }

    /// <summary>How many days ahead a new deal is expected to close when nobody says otherwise.</summary>
    public const int DefaultCloseInDays = 30;

    /// <summary>What a "yes" proposes for the new deal: "Company – person" (or the person), no amount yet, closing in 30 days.</summary>
    public async Task<NewDeal> SuggestDealAsync(Contact c, AccessScope scope, CancellationToken ct = default)
    {
        var company = c.CompanyId is { } id ? await db.Companies.Where(x => x.Id == id).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var title = string.IsNullOrWhiteSpace(company) ? c.DisplayName : $"{company.Trim()} – {c.DisplayName}";
        return new NewDeal(UnicodeText.Prefix(title, MaxTitle), null, (await TodayAsync(scope, ct)).AddDays(DefaultCloseInDays));
    }

    public const int MaxTitle = 200;

    /// <summary>
    /// "Yes": the contact becomes a Prospect (through the gate) with its first opportunity, which carries the forecast: a title,
    /// an amount and an expected close (each defaulted by <see cref="SuggestDealAsync"/> when left empty). This is the one way a
    /// lead becomes a prospect in the UI (the qualification panel) and the API (<c>POST /contacts/{id}/outcome</c> with Yes).
    /// </summary>
    public async Task<Outcome<Opportunity>> WinOverAsync(
        Contact c, NewDeal deal, string? reason, bool overrideGate, AccessScope scope, CancellationToken ct = default)
    {
        if (await db.Opportunities.Where(Definitions.OpenDeal).AnyAsync(o => o.ContactId == c.Id, ct))
            return Outcome<Opportunity>.Invalid("outcome", l["This contact already has an open opportunity."]);
        var errors = new Dictionary<string, string[]>();
        if (deal.Title is { } t && t.Trim().Length > MaxTitle) errors["opportunityTitle"] = [l["{0} is longer than {1} characters.", "title", MaxTitle]];
        if (deal.Amount is < 0) errors["amount"] = [l["The amount cannot be negative."]];
        if (deal.ExpectedCloseDate is { } close && close < await TodayAsync(scope, ct))
            errors["expectedCloseDate"] = [l["The expected close cannot be in the past."]];
        if (errors.Count > 0) return Outcome<Opportunity>.Invalid(errors);
        var moved = c.Stage >= Stage.Prospect ? Ok : await MoveAsync(c, Stage.Prospect, reason, overrideGate, scope, ct);
        if (!moved.IsOk) return moved.As<Opportunity>();
        var suggested = await SuggestDealAsync(c, scope, ct);
        var pipeline = await db.Pipelines.Include(p => p.Steps).OrderByDescending(p => p.IsDefault).ThenBy(p => p.SortOrder).FirstAsync(ct);
        var step = pipeline.Steps.OrderBy(s => s.SortOrder).First();
        var currency = await db.WorkspaceSettings.Select(s => s.DefaultCurrency).FirstAsync(ct);
        var opportunity = new Opportunity
        {
            Title = string.IsNullOrWhiteSpace(deal.Title) ? suggested.Title! : deal.Title.Trim(), ContactId = c.Id, CompanyId = c.CompanyId,
            PipelineId = pipeline.Id, StepId = step.Id, Amount = deal.Amount ?? 0, Currency = currency, Probability = step.DefaultProbability,
            ExpectedCloseDate = deal.ExpectedCloseDate ?? suggested.ExpectedCloseDate, State = OpportunityState.Open, OwnerId = c.OwnerId, TeamId = c.TeamId,
        };
        db.Opportunities.Add(opportunity);
        // The contact's current next action carries on as the opportunity's: the work does not change, the item does.
        if (!await current.CarryOverAsync(c.Id, opportunity, ct))
        {
            await db.SaveChangesAsync(ct);
            var first = await current.ScheduleAsync(null, opportunity.Id,
                new NextActionInput(NextActionType.Call, (await TodayAsync(scope, ct)).AddDays(1), null, l["Needs analysis"], null), scope, "nextAction", ct);
            if (!first.IsOk) return first.As<Opportunity>();
        }
        c.RecontactOn = null;
        if (c.LeadStatus != LeadStatus.Working) SetStatus(c, LeadStatus.Working, reason, scope.UserId);
        return opportunity;
    }

    /// <summary>Records whose recontact date has come return to Working (run daily by <see cref="RecontactService"/>).</summary>
    public async Task<int> ReturnDueAsync(DateOnly today, CancellationToken ct = default)
    {
        var due = await db.Contacts.Where(c => c.ErasedAt == null && c.RecontactOn != null && c.RecontactOn <= today
                && (c.LeadStatus == LeadStatus.Unqualified || c.LeadStatus == LeadStatus.Nurturing)).OrderBy(c => c.Id).Take(1000).ToListAsync(ct);
        foreach (var c in due)
        {
            c.RecontactOn = null;
            SetStatus(c, LeadStatus.Working, l["Recontact date reached"], null);
        }
        return due.Count;
    }

    public void SetStage(Contact c, Stage to, string? reason, bool overridden, long? actorId)
    {
        LifecycleLog.Stage(db, c, c.Id == 0 ? null : c.Stage, to, reason, overridden, actorId, Now);
        c.Stage = to;
    }

    public void SetStatus(Contact c, LeadStatus to, string? reason, long? actorId)
    {
        if (c.LeadStatus == to && c.Id != 0) return;
        LifecycleLog.Status(db, c, c.Id == 0 ? null : c.LeadStatus, to, reason, actorId, Now);
        c.LeadStatus = to;
    }

    /// <summary>
    /// Makes a call on <paramref name="date"/> the contact's current next action through <see cref="CurrentAction"/>: the same
    /// checks and assignee rule as any other (the owner if active, else the actor). Its errors name this change's own fields.
    /// </summary>
    private async Task<Outcome<Done>> ScheduleAsync(Contact c, DateOnly date, string note, AccessScope scope, CancellationToken ct,
        params (string Field, string As)[] fields)
    {
        var scheduled = await current.ScheduleAsync(c.Id, null, new NextActionInput(NextActionType.Call, date, null, note, null), scope, "next", ct);
        if (scheduled.IsOk) return Ok;
        if (scheduled.Kind != OutcomeKind.Invalid) return scheduled.As<Done>();
        var names = fields.ToDictionary(f => "next." + f.Field, f => f.As);
        return Outcome<Done>.Invalid(scheduled.Errors.ToDictionary(kv => names.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value));
    }

    private Task CloseOpenActionAsync(Contact c, CancellationToken ct) => current.CancelOpenAsync(c.Id, null, ct);

    /// <summary>A gate that is not met: a conflict whose detail says what is still missing and whose "gates" list it per gate.</summary>
    private Outcome<Done> GateNotMet(List<GateEvaluation> unmet) => Outcome<Done>.Conflict("The qualification gate is not met.",
        string.Join(" ", unmet.Select(g => $"{g.Gate}: {StillMissing(l, g.MissingRequired, g.OptionalShort, g.WeightShort)}")),
        new Dictionary<string, object?>
        {
            ["gates"] = unmet.Select(g => new { gate = g.Gate.ToString(), missing = g.MissingRequired, optionalShort = g.OptionalShort, weightShort = g.WeightShort }).ToList(),
        });

    /// <summary>"Still missing: …", as the API's 409 and the qualification panel both say it.</summary>
    public static string StillMissing(IStringLocalizer l, IReadOnlyList<MissingCriterion> missingRequired, int optionalShort, int weightShort) =>
        l["Still missing: {0}", string.Join("; ", new[]
        {
            missingRequired.Count > 0 ? string.Join(", ", missingRequired.Select(m => l[m.Label].Value)) : null,
            optionalShort > 0 ? l["{0} more of the other criteria", optionalShort].Value : null,
            weightShort > 0 ? l["{0} more score points", weightShort].Value : null,
        }.OfType<string>())];

    private Dictionary<string, string[]>? KeepErrors(KeepForLater keep, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(keep.Method) || keep.Method.Length > 200)
            errors["keepForLater.method"] = [l["Say how the consent was given (up to 200 characters)."]];
        if (keep.GivenAt == default || keep.GivenAt.ToUniversalTime() > Now.AddMinutes(5))
            errors["keepForLater.givenAt"] = [l["A consent cannot be given in the future."]];
        if (keep.RecontactOn <= today)
            errors["keepForLater.recontactOn"] = [l["Choose a recontact date in the future."]];
        return errors.Count > 0 ? errors : null;
    }

    private static Outcome<Done> Invalid(string field, string message) => Outcome<Done>.Invalid(field, message);
}
