using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Qualification;

/// <summary>A lifecycle change done: the contact's qualification as it is now and, after a "yes", the new deal.</summary>
public sealed record LifecycleChange(QualificationView View, long? OpportunityId = null);

/// <summary>What the "yes" form starts from: the suggested deal and the workspace currency.</summary>
public sealed record DealProposal(NewDeal Deal, string Currency);

/// <summary>
/// The qualification writes of one contact, for the API (<c>/contacts/{id}/qualification, /stage, /disqualify, /outcome</c>)
/// and the qualification panel alike: load the visible contact, run the <see cref="Lifecycle"/> rule, save and commit in one
/// transaction, and answer the qualification view (or why not).
/// </summary>
public sealed class Qualifications(ProspectorDb db, Lifecycle lifecycle, IStringLocalizer<SharedResource> l)
{
    private Outcome<T> NotFound<T>(long id) => Outcome<T>.NotFound("Contact not found", l["There is no contact {0} that you can see.", id]);

    private Task<Contact?> LoadAsync(long id, AccessScope scope, CancellationToken ct) =>
        scope.Filter(db.Contacts).Include(c => c.Consents).FirstOrDefaultAsync(c => c.Id == id, ct);

    public async Task<Outcome<QualificationView>> ViewAsync(long contactId, AccessScope scope, CancellationToken ct = default) =>
        await LoadAsync(contactId, scope, ct) is { } c ? await ViewAsync(c, ct) : NotFound<QualificationView>(contactId);

    public async Task<Outcome<List<LifecycleEventView>>> EventsAsync(long contactId, AccessScope scope, CancellationToken ct = default) =>
        await scope.Filter(db.Contacts).AnyAsync(c => c.Id == contactId, ct)
            ? await LifecycleEventView.ForAsync(db, contactId, ct)
            : NotFound<List<LifecycleEventView>>(contactId);

    public Task<Outcome<LifecycleChange>> AnswerAsync(long contactId, IReadOnlyList<AnswerInput>? answers, AccessScope scope, CancellationToken ct = default) =>
        answers is not { Count: > 0 } list
            ? Task.FromResult(Outcome<LifecycleChange>.Invalid("answers", l["{0} is required.", "answers"]))
            : ChangeAsync(contactId, scope, ct, c => lifecycle.AnswerAsync(c, list, scope.UserId, ct));

    public Task<Outcome<LifecycleChange>> MoveAsync(long contactId, Stage? stage, string? reason, bool overrideGate, AccessScope scope, CancellationToken ct = default) =>
        stage is not { } target
            ? Task.FromResult(Outcome<LifecycleChange>.Invalid("stage", l["{0} is required.", "stage"]))
            : ChangeAsync(contactId, scope, ct, c => lifecycle.MoveAsync(c, target, reason, overrideGate, scope, ct));

    public Task<Outcome<LifecycleChange>> DisqualifyAsync(long contactId, string? reason, KeepForLater? keep, AccessScope scope, CancellationToken ct = default) =>
        ChangeAsync(contactId, scope, ct, c => lifecycle.DisqualifyAsync(c, reason, keep, scope, ct));

    /// <summary>"Not ready yet": standby until the follow-up day, with the call on that day.</summary>
    public Task<Outcome<LifecycleChange>> StandbyAsync(long contactId, DateOnly? followUpOn, string? note, AccessScope scope, CancellationToken ct = default) =>
        ChangeAsync(contactId, scope, ct, c => lifecycle.StandbyAsync(c, followUpOn, note, scope, ct));

    /// <summary>"Yes": a prospect with its first deal (<see cref="Lifecycle.WinOverAsync"/>).</summary>
    public async Task<Outcome<LifecycleChange>> WinOverAsync(long contactId, NewDeal deal, string? reason, bool overrideGate, AccessScope scope,
        CancellationToken ct = default)
    {
        long? opportunityId = null;
        Opportunity? created = null;
        var changed = await ChangeAsync(contactId, scope, ct, async c =>
        {
            var won = await lifecycle.WinOverAsync(c, deal, reason, overrideGate, scope, ct);
            created = won.Value;
            return won.IsOk ? Outcome<Done>.Ok(default) : won.As<Done>();
        });
        opportunityId = created?.Id;
        return changed.IsOk ? changed.Value! with { OpportunityId = opportunityId } : changed;
    }

    /// <summary>What the "yes" form proposes for the new deal.</summary>
    public async Task<Outcome<DealProposal>> ProposeDealAsync(long contactId, AccessScope scope, CancellationToken ct = default)
    {
        if (await LoadAsync(contactId, scope, ct) is not { } c) return NotFound<DealProposal>(contactId);
        var currency = await db.WorkspaceSettings.Select(s => s.DefaultCurrency).FirstAsync(ct);
        return new DealProposal(await lifecycle.SuggestDealAsync(c, scope, ct), currency);
    }

    /// <summary>Loads the visible contact, runs the change in one transaction (saved and committed only when it succeeds).</summary>
    private async Task<Outcome<LifecycleChange>> ChangeAsync(long contactId, AccessScope scope, CancellationToken ct, Func<Contact, Task<Outcome<Done>>> change)
    {
        Contact? contact = null;
        var done = await UnitOfWork.RunAsync(db, async () =>
        {
            contact = await LoadAsync(contactId, scope, ct);
            if (contact is null) return NotFound<Done>(contactId);
            return Tombstone.Refuse<Done>(contact, l) ?? await change(contact);
        }, ct);
        return done.IsOk ? new LifecycleChange(await ViewAsync(contact!, ct)) : done.As<LifecycleChange>();
    }

    public async Task<QualificationView> ViewAsync(Contact c, CancellationToken ct = default)
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
}

/// <summary>Closing a contact when its last action is done: disqualifying it (for the To do's "close the item").</summary>
public sealed class ContactCloser(ProspectorDb db, Lifecycle lifecycle, IStringLocalizer<SharedResource> l) : IItemCloser
{
    public bool ClosesOpportunities => false;

    public async Task<Outcome<Done>> CloseAsync(NextAction action, CloseInput close, AccessScope scope, CancellationToken ct)
    {
        var contact = await db.Contacts.Include(x => x.Consents).FirstAsync(x => x.Id == action.ContactId, ct);
        return Tombstone.Refuse<Done>(contact, l) ?? await lifecycle.DisqualifyAsync(contact, close.Reason, null, scope, ct);
    }
}
