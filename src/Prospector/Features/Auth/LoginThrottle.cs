using System.Collections.Concurrent;

namespace Prospector.Features.Auth;

/// <summary>
/// Counts failed sign-ins per client address and per account name (in its canonical spelling, <see cref="Identities"/>); after too many in the window the
/// next attempt is refused (429) before the password is even checked. Successful sign-ins do not count.
/// Kept in memory: with several instances each applies the limit on its own, which still caps guessing.
/// The per-address limit is higher than the per-account one: behind a proxy without forwarded headers many
/// people share one address, and one person's typos must not lock out the office.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailuresPerAccount = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    public bool IsBlocked(string ip, string account, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        foreach (var key in Keys(ip, account))
        {
            if (!_failures.TryGetValue(key, out var q)) continue;
            var max = key.StartsWith("ip:", StringComparison.Ordinal) ? MaxFailuresPerAddress : MaxFailuresPerAccount;
            lock (q)
            {
                Prune(q);
                if (q.Count >= max)
                {
                    var wait = q.Peek() + Window - time.GetUtcNow();
                    if (wait > retryAfter) retryAfter = wait;
                }
            }
        }
        return retryAfter > TimeSpan.Zero;
    }

    public void Failed(string ip, string account)
    {
        foreach (var key in Keys(ip, account))
        {
            var q = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (q)
            {
                Prune(q);
                q.Enqueue(time.GetUtcNow());
            }
        }
    }

    private void Prune(Queue<DateTimeOffset> q)
    {
        var cutoff = time.GetUtcNow() - Window;
        while (q.Count > 0 && q.Peek() < cutoff) q.Dequeue();
    }

    private static string[] Keys(string ip, string account) => ["ip:" + ip, "account:" + Identities.Canonical(account)];
}
