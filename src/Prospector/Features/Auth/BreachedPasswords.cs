using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Auth;

/// <summary>
/// Refuses passwords found in the bundled list of the most common (breached) passwords, whatever their letter case: the
/// SecLists top 10,000 and the 10+ character passwords of zxcvbn's frequency list (see docs/security.md for source and
/// licence). An Identity password validator, so it applies wherever a password is set: setup, sign-up by an admin (UI, API,
/// CLI), password change and reset.
/// </summary>
public sealed class BreachedPasswords(IStringLocalizer<SharedResource> l) : IPasswordValidator<User>
{
    public const string Code = "PasswordTooCommon";
    private static readonly Lazy<HashSet<string>> List = new(Load);

    /// <summary>How many passwords the bundled list holds.</summary>
    public static int Count => List.Value.Count;

    public static bool IsCommon(string password) => List.Value.Contains(password.Trim().ToLowerInvariant());

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError
            {
                Code = Code,
                Description = l["This password is on the list of the most common passwords that attackers try first. Choose another one."],
            })
            : IdentityResult.Success);

    private static HashSet<string> Load()
    {
        using var raw = typeof(BreachedPasswords).Assembly.GetManifestResourceStream("Prospector.common-passwords.txt.gz")
            ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(new GZipStream(raw, CompressionMode.Decompress), Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) set.Add(line);
        return set;
    }
}
