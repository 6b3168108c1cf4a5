using Fluid;

namespace Prospector.Features.Mail;

/// <summary>The values a template may use: plain strings only, so a template can reach nothing else.</summary>
public sealed record MergeValues(
    string Salutation, string FirstName, string LastName, string FullName, string Company, string OwnerName, string OwnerSignature,
    string Signature, string SenderName, string Email)
{
    /// <summary>The merge fields as written in a template, for the editor's help and the API's description.</summary>
    public static readonly string[] Fields =
        ["salutation", "first_name", "last_name", "full_name", "company", "owner_name", "owner_signature", "signature", "sender_name", "email"];

    public IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        yield return new("salutation", Salutation);
        yield return new("first_name", FirstName);
        yield return new("last_name", LastName);
        yield return new("full_name", FullName);
        yield return new("company", Company);
        yield return new("owner_name", OwnerName);
        yield return new("owner_signature", OwnerSignature);
        yield return new("signature", Signature);
        yield return new("sender_name", SenderName);
        yield return new("email", Email);
    }
}

/// <summary>
/// Liquid templates with Fluid — never Razor on what users write. Only the <see cref="MergeValues"/> strings are in scope
/// (no objects, so no member access), an unknown field renders empty, and there are no variables, loops or includes
/// (<see cref="Refused"/>), so a template cannot render more than a few times its own length.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>
    /// Tags a mail template does not need and that would let a short template make an unbounded text (a variable doubled in
    /// a loop) or reach other files: without them a template is output, conditions and filters, and its length bounds what it
    /// renders. Using one is a parse error the editor shows.
    /// </summary>
    private static readonly string[] Refused =
        ["assign", "capture", "for", "tablerow", "cycle", "increment", "decrement", "include", "render", "liquid", "layout", "section", "renderbody"];

    private static readonly FluidParser Parser = Restricted(); // after Refused: static fields start in the order written

    private static FluidParser Restricted()
    {
        var parser = new FluidParser();
        foreach (var tag in Refused) parser.RegisteredTags.Remove(tag);
        return parser;
    }

    private static readonly TemplateOptions Options = new() { MaxSteps = 10_000, MaxRecursion = 10 };

    /// <summary>Null when the text parses; else the parser's message (with line and column).</summary>
    public static string? Check(string source) => Parser.TryParse(source, out _, out var error) ? null : error;

    /// <summary>The rendered text, or the error that stopped it.</summary>
    public static async Task<(string? Text, string? Error)> RenderAsync(string source, MergeValues values)
    {
        if (!Parser.TryParse(source, out var template, out var error)) return (null, error);
        var context = new TemplateContext(Options);
        foreach (var (k, v) in values.Pairs()) context.SetValue(k, v);
        try
        {
            return (await template.RenderAsync(context, NullEncoder.Default), null);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            return (null, e.Message);
        }
    }
}
