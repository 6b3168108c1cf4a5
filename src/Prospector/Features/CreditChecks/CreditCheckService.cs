using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.CreditChecks;

/// <summary>
/// Credit checks of a deal, for the API and the deal page alike: list them, record one (passed, limited or failed; when; agency;
/// note), and — a manager or an admin only — override a failed one with a reason so the deal may go past the credit check step
/// (<see cref="CreditGate"/>). Every write is in the audit trail (a credit check is an audited record).
/// </summary>
public sealed class CreditCheckService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, IAuditActor actor)
{
    public const int MaxSource = 200, MaxNote = 1000, MaxReason = 500;

    public async Task<Outcome<List<CreditCheckDto>>> ListAsync(long opportunityId, AccessScope scope, CancellationToken ct = default)
    {
        if (!await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == opportunityId, ct)) return Missing<List<CreditCheckDto>>(opportunityId);
        return await Dtos(db.CreditChecks.Where(c => c.OpportunityId == opportunityId)).ToListAsync(ct);
    }

    /// <summary>Whether the deal's pipeline has a credit check step (the deal page shows the credit check only then).</summary>
    public static Task<bool> HasStepAsync(ProspectorDb db, long pipelineId, CancellationToken ct = default) =>
        db.PipelineSteps.AnyAsync(s => s.PipelineId == pipelineId && s.IsCreditCheck, ct);

    public async Task<Outcome<CreditCheckDto>> RecordAsync(long opportunityId, NewCreditCheck input, AccessScope scope, CancellationToken ct = default)
    {
        var deal = await scope.Filter(db.Opportunities).Where(o => o.Id == opportunityId).Select(o => new { o.Currency }).FirstOrDefaultAsync(ct);
        if (deal is null) return Missing<CreditCheckDto>(opportunityId);
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(UserTime.ToLocal(time.GetUtcNow().UtcDateTime, await UserTime.ZoneOfAsync(db, scope.UserId, ct)));
        if (input.Result is not { } result || !Enum.IsDefined(result))
            errors["result"] = [l["{0} must be one of: {1}.", "result", string.Join(", ", Enum.GetNames<CreditCheckResult>())]];
        if (input.LimitAmount is < 0) errors["limitAmount"] = [l["The amount cannot be negative."]];
        else if (input.Result == CreditCheckResult.Limited && input.LimitAmount is not > 0) errors["limitAmount"] = [l["A limited result needs the limit amount."]];
        var currency = (input.Currency ?? deal.Currency).Trim().ToUpperInvariant();
        if (!(currency.Length == 3 && currency.All(char.IsAsciiLetter))) errors["currency"] = [l["Use a three-letter currency code such as EUR."]];
        var checkedOn = input.CheckedOn ?? today;
        if (checkedOn > today) errors["checkedOn"] = [l["A credit check cannot lie in the future."]];
        if (input.Source?.Trim() is { Length: > MaxSource }) errors["source"] = [l["{0} is longer than {1} characters.", "source", MaxSource]];
        if (input.Note?.Trim() is { Length: > MaxNote }) errors["note"] = [l["{0} is longer than {1} characters.", "note", MaxNote]];
        if (errors.Count > 0) return Outcome<CreditCheckDto>.Invalid(errors);
        var failed = input.Result == CreditCheckResult.Failed;
        var check = new CreditCheck
        {
            OpportunityId = opportunityId, Result = input.Result!.Value, LimitAmount = failed ? null : input.LimitAmount,
            Currency = failed || input.LimitAmount is null ? null : currency, CheckedOn = checkedOn, Source = Clean(input.Source), Note = Clean(input.Note),
            RecordedById = scope.UserId, RecordedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.CreditChecks.Add(check);
        await db.SaveChangesAsync(ct);
        Audit(check.Id, AuditAction.Created, check.RecordedAt, new(nameof(CreditCheck.OpportunityId), null, $"{opportunityId}"),
            new(nameof(CreditCheck.Result), null, $"{check.Result}"), new(nameof(CreditCheck.LimitAmount), null, check.LimitAmount?.ToString(CultureInfo.InvariantCulture)),
            new(nameof(CreditCheck.Currency), null, check.Currency), new(nameof(CreditCheck.CheckedOn), null, check.CheckedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new(nameof(CreditCheck.Source), null, check.Source), new(nameof(CreditCheck.Note), null, check.Note));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await Dtos(db.CreditChecks.Where(c => c.Id == check.Id)).FirstAsync(ct);
    }

    /// <summary>A manager's or an admin's override of the newest, failed credit check, with the reason; recorded on the check and in the audit trail.</summary>
    public async Task<Outcome<CreditCheckDto>> OverrideAsync(long opportunityId, string? reason, AccessScope scope, CancellationToken ct = default)
    {
        // The role first: a rep hears the rule, whichever deal it names.
        if (!scope.IsManagerOrAdmin)
            return Outcome<CreditCheckDto>.Forbidden("Only a manager can override", l["Only a manager or an admin can override a failed credit check."]);
        if (!await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == opportunityId, ct)) return Missing<CreditCheckDto>(opportunityId);
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReason)
            return Outcome<CreditCheckDto>.Invalid("reason", l["Say why the deal may go on despite the failed credit check (1 to {0} characters).", MaxReason]);
        var latest = await db.CreditChecks.Where(c => c.OpportunityId == opportunityId).OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id)
            .FirstOrDefaultAsync(ct);
        if (latest is not { Result: CreditCheckResult.Failed, OverriddenAt: null })
            return Outcome<CreditCheckDto>.Conflict("Nothing to override", l["The newest credit check of this deal has not failed, or is overridden already."]);
        (latest.OverrideReason, latest.OverriddenById, latest.OverriddenAt) = (reason, scope.UserId, time.GetUtcNow().UtcDateTime);
        Audit(latest.Id, AuditAction.Updated, latest.OverriddenAt.Value, new(nameof(CreditCheck.OverrideReason), null, reason),
            new(nameof(CreditCheck.OverriddenById), null, $"{scope.UserId}"));
        // The check and its audit entry in one save: an override is never without its record.
        await db.SaveChangesAsync(ct);
        return await Dtos(db.CreditChecks.Where(c => c.Id == latest.Id)).FirstAsync(ct);
    }

    private IQueryable<CreditCheckDto> Dtos(IQueryable<CreditCheck> q) =>
        q.OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id).Select(c => new CreditCheckDto(c.Id, c.OpportunityId, c.Result, c.LimitAmount,
            c.Currency, c.CheckedOn, c.Source, c.Note, db.Users.Where(u => u.Id == c.RecordedById).Select(u => u.DisplayName).FirstOrDefault(), c.RecordedAt,
            c.OverrideReason, db.Users.Where(u => u.Id == c.OverriddenById).Select(u => u.DisplayName).FirstOrDefault(), c.OverriddenAt));

    /// <summary>A credit check is not a tracked record: its entries are written here, in the same save as the change.</summary>
    private void Audit(long id, AuditAction action, DateTime at, params FieldChange[] changes) =>
        db.AuditEntries.Add(new AuditEntry
        {
            EntityType = nameof(CreditCheck), EntityId = id, Action = action, UserId = actor.UserId, UserName = actor.UserName, At = at,
            Changes = JsonSerializer.Serialize(changes.Where(c => c.To is not null), JsonSerializerOptions.Web),
        });

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private Outcome<T> Missing<T>(long id) => Outcome<T>.NotFound("Opportunity not found", l["There is no opportunity {0} that you can see.", id]);
}
