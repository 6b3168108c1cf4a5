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

/// <summary>The outcome of a change: done, refused by a gate (with what is missing), or invalid input.</summary>
public sealed record LifecycleResult(Dictionary<string, string[]>? Errors = null, IReadOnlyList<GateEvaluation>? Unmet = null, bool Forbidden = false)
{
    public static readonly LifecycleResult Ok = new();
    public bool Succeeded => Errors is null && Unmet is null && !Forbidden;
}

/// <summary>
/// The lifecycle rules of a contact: criteria answers, stage moves through gates, disqualification, keep-for-later,
/// the outcome of a sales conversation. Every change is also written as a <see cref="LifecycleEvent"/>, from which
/// the timeline and the funnel reports are computed. Callers save the context.
/// </summary>
public sealed class Lifecycle(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private readonly CurrentAction Current = new(db, time);

    /// <summary>Today in the acting user's time zone ("in the future" means after this day).</summary>
    private async Task<DateOnly> TodayAsync(AccessScope scope, CancellationToken ct) =>
        DateOnly.FromDateTime(UserTime.ToLocal(Now, await UserTime.ZoneOfAsync(db, scope.UserId, ct)));

    public async Task<(List<QualificationCriterion> Criteria, Dictionary<Gate, GateRule> Rules)> ConfigAsync(CancellationToken ct = default) =>
        (await db.QualificationCriteria.OrderBy(c => c.Gate).ThenBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(ct),
         await db.GateRules.ToDictionaryAsync(r => r.Gate, ct));

    public async Task<List<GateEvaluation>> EvaluateAsync(long contactId, CancellationToken ct = default)
    {
        var (criteria, rules) = await ConfigAsync(ct);
        var answers = await db.QualificationAnswers.Where(a => a.ContactId == contactId).ToDictionaryAsync(a => a.CriterionId, a => a.Answer, ct);
        return [.. Enum.GetValues<Gate>().Select(g => GateRules.Evaluate(g, rules.GetValueOrDefault(g) ?? new GateRule { Gate = g }, criteria, answers))];
    }

    public async Task<Dictionary<string, string[]>?> AnswerAsync(Contact c, IReadOnlyList<AnswerInput> input, long actorId, CancellationToken ct = default)
    {
        var ids = input.Select(a => a.CriterionId).ToList();
        var known = await db.QualificationCriteria.Where(q => ids.Contains(q.Id) && q.RetiredAt == null).Select(q => q.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0)
            return new() { ["answers"] = [l["There is no active criterion {0}.", string.Join(", ", unknown)]] };
        if (input.FirstOrDefault(a => a.Note is { Length: > 1000 }) is not null)
            return new() { ["answers"] = [l["{0} is longer than {1} characters.", "note", 1000]] };
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
        return null;
    }

    /// <summary>Moves a contact to another stage; upward moves must pass the gates they cross, unless overridden.</summary>
    public async Task<LifecycleResult> MoveAsync(Contact c, Stage target, string? reason, bool overrideGate, AccessScope scope, CancellationToken ct = default)
    {
        if (target == c.Stage) return LifecycleResult.Ok;
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > 1000 }) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", 1000]);
        if (target >= Stage.Customer && !scope.IsManagerOrAdmin)
            return Invalid("stage", l["A contact becomes a customer when an opportunity is won."]);
        var crossed = GateRules.Crossed(c.Stage, target);
        var unmet = crossed.Count == 0 ? [] : (await EvaluateAsync(c.Id, ct)).Where(e => crossed.Contains(e.Gate) && !e.Met).ToList();
        var overridden = false;
        if (unmet.Count > 0)
        {
            if (!overrideGate) return new LifecycleResult(Unmet: unmet);
            if (!scope.IsManagerOrAdmin) return new LifecycleResult(Forbidden: true);
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
        return LifecycleResult.Ok;
    }

    /// <summary>Disqualifies a contact (a reason is required), optionally keeping it for a later recontact with consent.</summary>
    public async Task<LifecycleResult> DisqualifyAsync(Contact c, string? reason, KeepForLater? keep, AccessScope scope, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Invalid("reason", l["Say why the contact is disqualified."]);
        if (reason.Length > 500) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", 500]);
        if (keep is not null && KeepErrors(keep, await TodayAsync(scope, ct)) is { } errors) return new LifecycleResult(errors);
        c.UnqualifiedReason = reason.Trim();
        SetStatus(c, LeadStatus.Unqualified, c.UnqualifiedReason, scope.UserId);
        if (keep is null)
        {
            c.RecontactOn = null;
            await CloseOpenActionAsync(c, ct);
            return LifecycleResult.Ok;
        }
        c.Consents.Add(new ConsentRecord
        {
            Channel = keep.Channel, Status = ConsentStatus.Granted, GivenAt = keep.GivenAt.ToUniversalTime(), Method = keep.Method.Trim(),
            Note = l["Kept for future contact"], RecordedById = scope.UserId, RecordedAt = Now,
        });
        c.RecontactOn = keep.RecontactOn;
        await ScheduleAsync(c, keep.RecontactOn, NextActionType.Call, l["Recontact (kept for later): {0}", c.UnqualifiedReason], scope, ct);
        return LifecycleResult.Ok;
    }

    /// <summary>"Not ready yet": standby in Nurturing until the follow-up date, with a next action on that day.</summary>
    public async Task<LifecycleResult> StandbyAsync(Contact c, DateOnly? followUpOn, string? note, AccessScope scope, CancellationToken ct = default)
    {
        if (followUpOn is not { } date || date <= await TodayAsync(scope, ct))
            return Invalid("followUpOn", l["Choose a follow-up date in the future."]);
        SetStatus(c, LeadStatus.Nurturing, note, scope.UserId);
        c.RecontactOn = date;
        await ScheduleAsync(c, date, NextActionType.Call, string.IsNullOrWhiteSpace(note) ? l["Follow up: not ready yet"] : note.Trim(), scope, ct);
        return LifecycleResult.Ok;
    }

    /// <summary>How many days ahead a new deal is expected to close when nobody says otherwise.</summary>
    public const int DefaultCloseInDays = 30;

    /// <summary>What a "yes" proposes for the new deal: "Company – person" (or the person), no amount yet, closing in 30 days.</summary>
    public async Task<NewDeal> SuggestDealAsync(Contact c, AccessScope scope, CancellationToken ct = default)
    {
        var company = c.CompanyId is { } id ? await db.Companies.Where(x => x.Id == id).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var title = string.IsNullOrWhiteSpace(company) ? c.DisplayName : $"{company.Trim()} – {c.DisplayName}";
        return new NewDeal(title.Length > MaxTitle ? title[..MaxTitle] : title, null, (await TodayAsync(scope, ct)).AddDays(DefaultCloseInDays));
    }

    public const int MaxTitle = 200;

    /// <summary>
    /// "Yes": the contact becomes a Prospect (through the gate) with its first opportunity, which carries the forecast: a title,
    /// an amount and an expected close (each defaulted by <see cref="SuggestDealAsync"/> when left empty). This is the one way a
    /// lead becomes a prospect in the UI (the qualification panel) and the API (<c>POST /contacts/{id}/outcome</c> with Yes).
    /// </summary>
    public async Task<(LifecycleResult Result, Opportunity? Opportunity)> WinOverAsync(
        Contact c, NewDeal deal, string? reason, bool overrideGate, AccessScope scope, CancellationToken ct = default)
    {
        if (await db.Opportunities.Where(Definitions.OpenDeal).AnyAsync(o => o.ContactId == c.Id, ct))
            return (Invalid("outcome", l["This contact already has an open opportunity."]), null);
        var errors = new Dictionary<string, string[]>();
        if (deal.Title is { } t && t.Trim().Length > MaxTitle) errors["opportunityTitle"] = [l["{0} is longer than {1} characters.", "title", MaxTitle]];
        if (deal.Amount is < 0) errors["amount"] = [l["The amount cannot be negative."]];
        if (deal.ExpectedCloseDate is { } close && close < await TodayAsync(scope, ct))
            errors["expectedCloseDate"] = [l["The expected close cannot be in the past."]];
        if (errors.Count > 0) return (new LifecycleResult(errors), null);
        var moved = c.Stage >= Stage.Prospect ? LifecycleResult.Ok : await MoveAsync(c, Stage.Prospect, reason, overrideGate, scope, ct);
        if (!moved.Succeeded) return (moved, null);
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
        var current = await db.NextActions.FirstOrDefaultAsync(a => a.ContactId == c.Id && a.OpportunityId == null && a.Status == NextActionStatus.Open, ct);
        if (current is not null) current.Opportunity = opportunity;
        else
        {
            await db.SaveChangesAsync(ct);
            await Current.ScheduleAsync(new PlannedAction(c.Id, opportunity.Id, NextActionType.Call, (await TodayAsync(scope, ct)).AddDays(1), null,
                l["Needs analysis"]), scope.UserId, ct);
        }
        c.RecontactOn = null;
        if (c.LeadStatus != LeadStatus.Working) SetStatus(c, LeadStatus.Working, reason, scope.UserId);
        return (LifecycleResult.Ok, opportunity);
    }

    /// <summary>Records whose recontact date has come return to Working (run daily by <see cref="RecontactService"/>).</summary>
    public async Task<int> ReturnDueAsync(DateOnly today, CancellationToken ct = default)
    {
        var due = await db.Contacts.Where(c => c.RecontactOn != null && c.RecontactOn <= today
                && (c.LeadStatus == LeadStatus.Unqualified || c.LeadStatus == LeadStatus.Nurturing)).Take(1000).ToListAsync(ct);
        foreach (var c in due)
        {
            c.RecontactOn = null;
            SetStatus(c, LeadStatus.Working, l["Recontact date reached"], null);
        }
        return due.Count;
    }

    public void SetStage(Contact c, Stage to, string? reason, bool overridden, long? actorId)
    {
        db.LifecycleEvents.Add(new LifecycleEvent
        {
            Contact = c, Kind = LifecycleEventKind.StageChanged, FromStage = c.Id == 0 ? null : c.Stage, ToStage = to,
            Reason = reason, Override = overridden, ById = actorId, At = Now,
        });
        c.Stage = to;
    }

    public void SetStatus(Contact c, LeadStatus to, string? reason, long? actorId)
    {
        if (c.LeadStatus == to && c.Id != 0) return;
        db.LifecycleEvents.Add(new LifecycleEvent
        {
            Contact = c, Kind = LifecycleEventKind.StatusChanged, FromStatus = c.Id == 0 ? null : c.LeadStatus, ToStatus = to,
            Reason = reason, ById = actorId, At = Now,
        });
        c.LeadStatus = to;
    }

    /// <summary>Makes a new current next action for the contact (the previous open one is closed): the owner's, else the actor's.</summary>
    private Task ScheduleAsync(Contact c, DateOnly date, NextActionType type, string note, AccessScope scope, CancellationToken ct) =>
        Current.ScheduleAsync(new PlannedAction(c.Id, null, type, date, null, note), scope.UserId, ct);

    private Task CloseOpenActionAsync(Contact c, CancellationToken ct) => Current.CancelOpenAsync(c.Id, null, ct);

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

    private static LifecycleResult Invalid(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}
