using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace Prospector.Components.Shared;

/// <summary>A page property filled from the address's query string (<c>?name=value</c>); see <see cref="QueryPage"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class QueryValueAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// A page whose filters live in the address (<c>/contacts?stage=Lead</c>, <c>/reports?tab=team</c>). Its
/// <see cref="QueryValueAttribute"/> properties are read from the address before each parameter set, and a navigation that
/// only changes the query of this page runs OnParametersSet(Async) again, as Blazor's [SupplyParameterFromQuery] does.
/// </summary>
/// <remarks>
/// Not [SupplyParameterFromQuery]: its provider enumerates its subscribers while it tells them about a navigation, and when
/// the router's render of the next page runs inside that loop (it did under load: a report's number clicked while the
/// report was loading) the next page subscribes, the loop throws "Collection was modified" and the circuit dies, leaving
/// a frozen page (dotnet/aspnetcore#64963, not in the 10.0 runtime we run on). Here no shared collection is involved.
/// </remarks>
public abstract class QueryPage : AppPage, IDisposable
{
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name)[]> Bindings = new();
    private string? _path, _query;
    private bool _listening, _disposed;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        Bind(Nav.Uri);
        if (!_listening)
        {
            Nav.LocationChanged += OnLocationChanged;
            _listening = true;
        }
        return base.SetParametersAsync(parameters);
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var (path, query) = Split(e.Location);
        // Another page: the router replaces this one. The same address: nothing to do.
        if (_disposed || path != _path || query == _query) return;
        Bind(e.Location);
        _ = InvokeAsync(async () =>
        {
            if (_disposed) return;
            try
            {
                // An empty parameter view keeps every parameter as it is and runs OnParametersSet(Async) and a render.
                await base.SetParametersAsync(ParameterView.Empty);
            }
            catch (Exception ex)
            {
                await DispatchExceptionAsync(ex);
            }
        });
    }

    private void Bind(string uri)
    {
        (_path, _query) = Split(uri);
        var values = QueryHelpers.ParseQuery(_query);
        foreach (var (property, name) in Bindings.GetOrAdd(GetType(), Find))
        {
            var raw = values.TryGetValue(name, out var v) ? v.ToString() : null;
            property.SetValue(this, Convert(raw, property.PropertyType));
        }
    }

    private static (PropertyInfo, string)[] Find(Type t) =>
        [.. t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (p, p.GetCustomAttribute<QueryValueAttribute>()?.Name))
            .Where(x => x.Name is not null)
            .Select(x => (x.p, x.Name!))];

    /// <summary>A query value as the property's type; a value that does not parse is no value (as with [SupplyParameterFromQuery]).</summary>
    private static object? Convert(string? raw, Type type)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        var inv = CultureInfo.InvariantCulture;
        return (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var x when x == typeof(string) => raw,
            var x when x == typeof(long) => long.TryParse(raw, NumberStyles.Integer, inv, out var l) ? l : null,
            var x when x == typeof(int) => int.TryParse(raw, NumberStyles.Integer, inv, out var i) ? i : null,
            var x when x == typeof(bool) => bool.TryParse(raw, out var b) ? b : null,
            // An enum value (?channel=Phone); one the enum does not define is no value.
            var x when x.IsEnum => Enum.TryParse(x, raw, ignoreCase: false, out var e) && Enum.IsDefined(x, e!) ? e : null,
            var x => throw new NotSupportedException($"[QueryValue] does not read {x.Name}."),
        };
    }

    /// <summary>A date in the address (<c>from=2026-03-01</c>), or null when there is none or it is no such date.</summary>
    protected static DateOnly? Day(string? s) => Features.Common.Dates.TryParseDay(s, out var d) ? d : null;

    private static (string Path, string Query) Split(string uri)
    {
        var hash = uri.IndexOf('#');
        if (hash >= 0) uri = uri[..hash];
        var q = uri.IndexOf('?');
        return q < 0 ? (uri, "") : (uri[..q], uri[q..]);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (_listening) Nav.LocationChanged -= OnLocationChanged;
    }
}
