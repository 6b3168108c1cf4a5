using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

/// <summary>
/// A change of a deal's own fields. A null field is left as it is; the expected close date is set (to a date, or cleared with
/// null) only when <see cref="SetExpectedClose"/> is true.
/// </summary>
public sealed record OpportunityEdit(string? Title = null, decimal? Amount = null, string? Currency = null, int? Probability = null,
    long? OwnerId = null, bool SetExpectedClose = false, DateOnly? ExpectedCloseDate = null, bool SetRenewal = false, DateOnly? RenewalDate = null);

/// <summary>
/// Every write of an opportunity, whoever asks (the API, the deal page, the board): it loads the deal the user can see, checks,
/// changes through <see cref="Opportunities"/> (the state rules), schedules or ends the next action, saves and commits in one
/// transaction of its own, and hands back the deal as it is now. A page passes the version it showed; a change based on an
/// older version is refused as stale.
/// </summary>
public sealed class OpportunityService(ProspectorDb db, Opportunities rules, NextActions.NextActions actions, IStringLocalizer<SharedResource> l,
    TimeProvider time, Renewals renewals)
{
    public const string NotFoundTitle = "Opportunity not found";
    public const int MaxTitle = 200;

    public async Task<Outcome<OpportunityDto>> FindAsync(long id, AccessScope scope, CancellationToken ct = default) =>
        await OpportunityQueries.FindAsync(db, scope, id, ct) is { } dto ? dto : Missing(id);

    /// <summary>How many days ahead a new deal is expected to close when nobody says otherwise.</summary>
    public const int DefaultCloseInDays = 30;

    /// <summary>
    /// What "New opportunity" proposes for a contact, at any stage. For a customer or repeat customer it is the next sale,
    /// filled from the last won deal the user can see: its pipeline, amount and currency, titled "Re-order – company". Otherwise
    /// "Company – person" in the default pipeline. Its first step, closing in 30 days, a call tomorrow as the first next action.
    /// </summary>
    public async Task<Outcome<OpportunityCreate>> SuggestAsync(long contactId, AccessScope scope, CancellationToken ct = default)
    {
        var contact = await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == contactId, ct);
        if (contact is null) return Outcome<OpportunityCreate>.NotFound("Contact not found", l["There is no contact {0} that you can see.", contactId]);
        var company = contact.CompanyId is { } coid ? await scope.Filter(db.Companies).Where(x => x.Id == coid).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var lastWon = contact.Stage >= Stage.Customer
            ? await scope.Filter(db.Opportunities).Where(o => o.ContactId == contactId && o.State == OpportunityState.Won)
                .OrderByDescending(o => o.ClosedAt).ThenByDescending(o => o.Id).FirstOrDefaultAsync(ct)
            : null;
        var pipeline = await db.Pipelines.Include(p => p.Steps)
            .OrderByDescending(p => lastWon != null && p.Id == lastWon.PipelineId).ThenByDescending(p => p.IsDefault).ThenBy(p => p.SortOrder)
            .FirstAsync(ct);
        var firstStep = pipeline.Steps.OrderBy(x => x.SortOrder).First();
        var today = await NextActionQueries.TodayAsync(db, scope.UserId, time, ct);
        var who = string.IsNullOrWhiteSpace(company) ? contact.DisplayName : company.Trim();
        var title = lastWon is not null ? l["Re-order – {0}", who].Value
            : string.IsNullOrWhiteSpace(company) ? contact.DisplayName : $"{company.Trim()} – {contact.DisplayName}";
        var currency = lastWon?.Currency ?? await db.WorkspaceSettings.Select(x => x.DefaultCurrency).FirstAsync(ct);
        return new OpportunityCreate(UnicodeText.Prefix(title, MaxTitle), contact.Id, contact.CompanyId, pipeline.Id, firstStep.Id,
            lastWon?.PipelineId == pipeline.Id ? lastWon.Amount : null, currency, null, today.AddDays(DefaultCloseInDays), null,
            new NextActionInput(NextActionType.Call, today.AddDays(1), null, null, null));
    }

    /// <summary>The steps a deal went through and how it closed, with dates, from the audit trail (<see cref="StepHistory"/>).</summary>
    public async Task<Outcome<List<StepChange>>> StepHistoryAsync(long id, AccessScope scope, CancellationToken ct = default)
    {
        if (!await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == id, ct)) return Missing(id).As<List<StepChange>>();
        return await StepHistory.OfAsync(db, id, ct);
    }

    /// <summary>A new deal for a contact, with its first next action (required: an open deal always has one).</summary>
    public async Task<Outcome<OpportunityDto>> CreateAsync(OpportunityCreate body, AccessScope scope, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var contact = body.ContactId is { } cid ? await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == cid, ct) : null;
        if (body.ContactId is null) errors["contactId"] = [l["{0} is required.", "contactId"]];
        else if (contact is null) errors["contactId"] = [l["There is no such record that you can see."]];
        else if (contact.ErasedAt is not null) errors["contactId"] = [l["Contact {0} was erased; nothing is added to its tombstone.", contact.Id]];
        if (body.CompanyId is { } co && !await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct))
            errors["companyId"] = [l["There is no company {0} that you can see.", co]];
        await CheckAsync(new OpportunityEdit(body.Title, body.Amount, body.Currency, body.Probability, body.OwnerId), titleRequired: false, null, scope, errors, ct);
        if (actions.Validate(body.NextAction, "nextAction") is { } actionErrors) foreach (var (k, v) in actionErrors) errors[k] = v;
        var pipeline = await db.Pipelines.Include(p => p.Steps)
            .Where(p => body.PipelineId == null ? p.IsDefault : p.Id == body.PipelineId).OrderBy(p => p.SortOrder).FirstOrDefaultAsync(ct);
        var step = pipeline?.Steps.Where(s => body.StepId == null || s.Id == body.StepId).OrderBy(s => s.SortOrder).FirstOrDefault();
        if (pipeline is null) errors["pipelineId"] = [l["There is no pipeline {0}.", body.PipelineId ?? 0]];
        else if (step is null) errors["stepId"] = [l["Step {0} is not a step of this pipeline.", body.StepId ?? 0]];
        if (errors.Count > 0) return Outcome<OpportunityDto>.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Unless named, the deal goes to the contact's owner when the user may hand it to them (the hand-over rule), else to the user.
        var ownerId = body.OwnerId
            ?? (contact!.OwnerId is { } holder && await scope.HandOverProblemAsync(db, holder, ct) is null ? holder : scope.UserId);
        var o = new Opportunity
        {
            Title = string.IsNullOrWhiteSpace(body.Title) ? contact!.DisplayName : body.Title.Trim(), ContactId = contact!.Id,
            CompanyId = body.CompanyId ?? contact.CompanyId, PipelineId = pipeline!.Id, StepId = step!.Id, Amount = body.Amount ?? 0,
            Currency = (body.Currency ?? await db.WorkspaceSettings.Select(s => s.DefaultCurrency).FirstAsync(ct)).ToUpperInvariant(),
            Probability = body.Probability ?? step.DefaultProbability, ExpectedCloseDate = body.ExpectedCloseDate, State = OpportunityState.Open,
            OwnerId = ownerId, TeamId = ownerId == contact!.OwnerId ? contact.TeamId : await References.DefaultTeamAsync(db, ownerId, ct),
        };
        db.Opportunities.Add(o);
        await db.SaveChangesAsync(ct);
        var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id, body.NextAction!, scope, ct, prefix: "nextAction");
        if (scheduleErrors is not null) return Outcome<OpportunityDto>.Invalid(scheduleErrors);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await DtoAsync(o.Id, scope, ct);
    }

    /// <summary>
    /// Edits the deal's fields, checked one way for the API and the page: title 1 to 200 characters, amount not negative,
    /// probability 0 to 100, a three-letter currency, an active owner the user may give deals to. Each mistake names its field.
    /// </summary>
    public Task<Outcome<OpportunityDto>> UpdateAsync(long id, int? expectedVersion, OpportunityEdit edit, AccessScope scope, CancellationToken ct = default) =>
        ChangeAsync(id, expectedVersion, scope, ct, async o =>
        {
            var errors = new Dictionary<string, string[]>();
            await CheckAsync(edit, titleRequired: true, o.OwnerId, scope, errors, ct);
            if (errors.Count > 0) return errors;
            if (edit.Title is not null) o.Title = edit.Title.Trim();
            if (edit.Amount is { } amount) o.Amount = amount;
            if (edit.Currency is not null) o.Currency = edit.Currency.ToUpperInvariant();
            if (edit.Probability is { } probability) o.Probability = probability;
            if (edit.SetExpectedClose) o.ExpectedCloseDate = edit.ExpectedCloseDate;
            if (edit.OwnerId is { } owner && owner != o.OwnerId) (o.OwnerId, o.TeamId) = (owner, await References.DefaultTeamAsync(db, owner, ct));
            return edit.SetRenewal ? await renewals.SetAsync(o, edit.RenewalDate, scope, ct) : null;
        });

    /// <summary>To another step of its pipeline; the probability becomes the step's default.</summary>
    public Task<Outcome<OpportunityDto>> MoveAsync(long id, long? stepId, AccessScope scope, CancellationToken ct = default, int? expectedVersion = null) =>
        ChangeAsync(id, expectedVersion, scope, ct, o => stepId is { } step ? rules.MoveAsync(o, step, ct) : Task.FromResult(Required("stepId")));

    /// <summary>Won; with <paramref name="renewalDate"/> the renewal or re-order next action is planned for that day (<see cref="Renewals"/>).</summary>
    public Task<Outcome<OpportunityDto>> WinAsync(long id, string? reason, bool freeDeal, AccessScope scope, CancellationToken ct = default,
        int? expectedVersion = null, DateOnly? renewalDate = null) =>
        ChangeAsync(id, expectedVersion, scope, ct, async o =>
            await rules.WinAsync(o, reason, freeDeal, scope, ct) ?? (renewalDate is null ? null : await renewals.SetAsync(o, renewalDate, scope, ct)));

    /// <summary>Lost or cancelled (<paramref name="state"/>), with the reason.</summary>
    public Task<Outcome<OpportunityDto>> CloseAsync(long id, OpportunityState state, string? reason, AccessScope scope, CancellationToken ct = default,
        int? expectedVersion = null) =>
        ChangeAsync(id, expectedVersion, scope, ct, o => rules.CloseAsync(o, state, reason, scope, ct));

    /// <summary>On hold until a date, with the next action on that date (a call, with <paramref name="note"/> or a default note).</summary>
    public Task<Outcome<OpportunityDto>> StandbyAsync(long id, DateOnly? until, string? note, AccessScope scope, CancellationToken ct = default,
        int? expectedVersion = null) =>
        ChangeAsync(id, expectedVersion, scope, ct, async o =>
        {
            var today = await NextActionQueries.TodayAsync(db, scope.UserId, time, ct);
            if (rules.Standby(o, until, today) is { } errors) return errors;
            var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id,
                new NextActionInput(NextActionType.Call, until, null, string.IsNullOrWhiteSpace(note) ? l["Follow up after standby"] : note, null), scope, ct);
            return scheduleErrors;
        });

    /// <summary>
    /// Back to Open. A deal reopened after lost or cancelled is in play again and has no next action, so
    /// <paramref name="next"/> is required (the page asks for it as the API does). From standby the waiting action stays,
    /// unless a new one is given.
    /// </summary>
    public Task<Outcome<OpportunityDto>> ReopenAsync(long id, NextActionInput? next, AccessScope scope, CancellationToken ct = default,
        int? expectedVersion = null) =>
        ChangeAsync(id, expectedVersion, scope, ct, async o =>
        {
            var wasStandby = o.State == OpportunityState.Standby;
            if (!wasStandby && o.State != OpportunityState.Won && actions.Validate(next, "nextAction") is { } nextErrors)
                return next is null ? new() { ["nextAction"] = [l["This item is still open: name the next action or close it."]] } : nextErrors;
            if (rules.Reopen(o) is { } errors) return errors;
            if (next is null) return null;
            var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id, next, scope, ct, prefix: "nextAction");
            return scheduleErrors;
        });

    /// <summary>Load the visible deal, check the version, change it, save and commit; a failed check leaves nothing behind.</summary>
    private async Task<Outcome<OpportunityDto>> ChangeAsync(long id, int? expectedVersion, AccessScope scope, CancellationToken ct,
        Func<Opportunity, Task<Dictionary<string, string[]>?>> change)
    {
        var o = await scope.Filter(db.Opportunities).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null) return Missing(id);
        if (expectedVersion is { } expected)
        {
            if (expected != o.Version) return Outcome<OpportunityDto>.Stale(o.Version);
            // The version the user saw goes into the UPDATE's WHERE clause: a write in between makes it fail.
            db.Entry(o).Property(x => x.Version).OriginalValue = expected;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (await change(o) is { } errors) return Outcome<OpportunityDto>.Invalid(errors);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Outcome<OpportunityDto>.Stale(await db.Opportunities.Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct));
        }
        return await DtoAsync(id, scope, ct);
    }

    private async Task CheckAsync(OpportunityEdit e, bool titleRequired, long? ownerBefore, AccessScope scope, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (e.Title is { } t && ((titleRequired && string.IsNullOrWhiteSpace(t)) || t.Trim().Length > MaxTitle))
            errors["title"] = [l["{0} must be 1 to {1} characters.", "title", MaxTitle]];
        if (e.Amount is < 0) errors["amount"] = [l["The amount cannot be negative."]];
        if (e.Probability is < 0 or > 100) errors["probability"] = [l["{0} must be between {1} and {2}.", "probability", 0, 100]];
        if (e.Currency is { } cur && !(cur.Length == 3 && cur.All(char.IsAsciiLetter))) errors["currency"] = [l["Use a three-letter currency code such as EUR."]];
        if (e.OwnerId is { } owner && owner != ownerBefore && await scope.HandOverProblemAsync(db, owner, ct) is { } problem) errors["ownerId"] = [l[problem, owner]];
    }

    private async Task<Outcome<OpportunityDto>> DtoAsync(long id, AccessScope scope, CancellationToken ct) =>
        (await OpportunityQueries.ToDtosAsync(db, scope, db.Opportunities.Where(x => x.Id == id), ct))[0];

    private Outcome<OpportunityDto> Missing(long id) => Outcome<OpportunityDto>.NotFound(NotFoundTitle, l["There is no opportunity {0} that you can see.", id]);

    private Dictionary<string, string[]>? Required(string field) => new() { [field] = [l["{0} is required.", field]] };
}
