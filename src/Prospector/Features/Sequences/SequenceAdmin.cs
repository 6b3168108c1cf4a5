using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Sequences;

/// <summary>Every write to sequences (managers and admins), for the API and the Settings page alike.</summary>
public sealed class SequenceAdmin(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const int MaxSteps = 50;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Outcome<T> NotFound<T>(long id) => Outcome<T>.NotFound("Sequence not found", l["There is no sequence {0}.", id]);
    private static Outcome<T> ManagersOnly<T>() => Outcome<T>.Forbidden("Forbidden", "Only managers and admins manage sequences.");

    public async Task<List<SequenceDto>> ListAsync(CancellationToken ct = default)
    {
        var all = await db.Sequences.AsNoTracking().Include(s => s.Steps).OrderBy(s => s.Name).ToListAsync(ct);
        var active = await ActiveCountsAsync(ct);
        return all.Select(s => Dto(s, active)).ToList();
    }

    public async Task<Outcome<SequenceDto>> FindAsync(long id, CancellationToken ct = default) =>
        await db.Sequences.AsNoTracking().Include(s => s.Steps).FirstOrDefaultAsync(s => s.Id == id, ct) is { } s
            ? Dto(s, await ActiveCountsAsync(ct)) : NotFound<SequenceDto>(id);

    public Task<Outcome<SequenceDto>> CreateAsync(AccessScope scope, SequenceInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return ManagersOnly<SequenceDto>();
        if (await ValidateAsync(input, ct) is { } errors) return Outcome<SequenceDto>.Invalid(errors);
        var s = new Sequence { CreatedAt = Now, UpdatedAt = Now, CreatedById = scope.UserId == 0 ? null : scope.UserId };
        Apply(s, input);
        db.Sequences.Add(s);
        await db.SaveChangesAsync(ct);
        return Dto(s, []);
    }, ct);

    public Task<Outcome<SequenceDto>> UpdateAsync(AccessScope scope, long id, SequenceInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return ManagersOnly<SequenceDto>();
        var s = await db.Sequences.Include(x => x.Steps).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound<SequenceDto>(id);
        if (await ValidateAsync(input, ct) is { } errors) return Outcome<SequenceDto>.Invalid(errors);
        Apply(s, input);
        s.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        return Dto(s, await ActiveCountsAsync(ct));
    }, ct);

    /// <summary>Deletes a sequence and its finished enrolments; refused while contacts are still on it.</summary>
    public Task<Outcome<Done>> DeleteAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsManagerOrAdmin) return ManagersOnly<Done>();
        var s = await db.Sequences.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound<Done>(id);
        if (await db.SequenceEnrolments.AnyAsync(e => e.SequenceId == id && (e.Status == EnrolmentStatus.Active || e.Status == EnrolmentStatus.Running), ct))
            return Outcome<Done>.Conflict("Contacts are still enrolled in this sequence.", l["Stop their enrolments first."]);
        db.Sequences.Remove(s);
        return new Done();
    }, ct);

    private async Task<Dictionary<string, string[]>?> ValidateAsync(SequenceInput input, CancellationToken ct)
    {
        if (input.Steps?.Any(st => st is null) == true)
            return new Dictionary<string, string[]> { ["steps"] = [l["Every step needs its fields; a step is empty."]] };
        var wanted = (input.Steps ?? []).Where(st => st.Kind == SequenceStepKind.SendEmail && st.TemplateId > 0).Select(st => st.TemplateId!.Value).Distinct().ToList();
        var templates = wanted.Count == 0 ? [] : await db.EmailTemplates.Where(t => wanted.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name)) errors["name"] = [l["{0} is required.", "name"]];
        else if (input.Name.Trim().Length > 200) errors["name"] = [l["At most {0} characters.", 200]];
        if (input.Description?.Trim().Length > 1000) errors["description"] = [l["At most {0} characters.", 1000]];
        var steps = input.Steps ?? [];
        if (steps.Count == 0) errors["steps"] = [l["A sequence needs at least one step."]];
        if (steps.Count > MaxSteps) errors["steps"] = [l["At most {0} steps.", MaxSteps]];
        for (var i = 0; i < steps.Count && i < MaxSteps; i++)
        {
            var st = steps[i];
            var key = $"steps[{i}]";
            switch (st.Kind)
            {
                case null: errors[$"{key}.kind"] = [l["{0} is required.", "kind"]]; break;
                case SequenceStepKind.SendEmail when st.TemplateId is not > 0:
                    errors[$"{key}.templateId"] = [l["Choose the e-mail template to send."]]; break;
                case SequenceStepKind.SendEmail when !templates.Contains(st.TemplateId!.Value):
                    errors[$"{key}.templateId"] = [l["There is no e-mail template {0}.", st.TemplateId!.Value]]; break;
                case SequenceStepKind.Wait when st.WaitDays is not (>= 1 and <= 365):
                    errors[$"{key}.waitDays"] = [l["Wait between 1 and 365 days."]]; break;
                case SequenceStepKind.Task when st.TaskType is null or NextActionType.Meeting:
                    errors[$"{key}.taskType"] = [l["Choose the kind of task: call, e-mail, SMS, social, visit or task."]]; break;
            }
            if (st.Text?.Trim().Length > 1000) errors[$"{key}.text"] = [l["At most {0} characters.", 1000]];
        }
        return errors.Count == 0 ? null : errors;
    }

    private static void Apply(Sequence s, SequenceInput input)
    {
        s.Name = input.Name!.Trim();
        s.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        var steps = input.Steps!;
        // Steps are kept by position: row i is rewritten in place, so enrolments keep their place in a changed sequence.
        var existing = s.Steps.OrderBy(x => x.Position).ToList();
        for (var i = 0; i < steps.Count; i++)
        {
            var row = i < existing.Count ? existing[i] : new SequenceStep { Position = i };
            if (i >= existing.Count) s.Steps.Add(row);
            var st = steps[i];
            row.Kind = st.Kind!.Value;
            row.TemplateId = st.Kind == SequenceStepKind.SendEmail ? st.TemplateId : null;
            row.WaitDays = st.Kind == SequenceStepKind.Wait ? st.WaitDays : null;
            row.TaskType = st.Kind == SequenceStepKind.Task ? st.TaskType : null;
            row.Text = st.Kind == SequenceStepKind.Task && !string.IsNullOrWhiteSpace(st.Text) ? st.Text.Trim() : null;
        }
        foreach (var extra in existing.Skip(steps.Count)) s.Steps.Remove(extra);
    }

    private Task<Dictionary<long, int>> ActiveCountsAsync(CancellationToken ct) =>
        db.SequenceEnrolments.Where(e => e.Status == EnrolmentStatus.Active || e.Status == EnrolmentStatus.Running)
            .GroupBy(e => e.SequenceId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    private static SequenceDto Dto(Sequence s, Dictionary<long, int> active) => new(s.Id, s.Name, s.Description,
        s.Steps.OrderBy(x => x.Position).Select(SequenceStepDto.From).ToList(), active.GetValueOrDefault(s.Id), s.CreatedAt, s.UpdatedAt);
}
