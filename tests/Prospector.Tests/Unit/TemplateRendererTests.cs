using Prospector.Features.Mail;

namespace Prospector.Tests.Unit;

/// <summary>
/// Mail templates are output, conditions and filters only: no variables, loops or includes, so a short template cannot make
/// an unbounded text (a variable doubled thirty times is 16 GB) and the editor is told at once.
/// </summary>
public sealed class TemplateRendererTests
{
    private static readonly MergeValues Jan = new("Geachte heer Van der Berg", "Jan", "van der Berg", "Jan van der Berg", "Berg BV", "Anna", "Anna\nNordlicht",
        "Anna\nNordlicht", "Anna", "jan@berg.example");

    [Theory]
    [InlineData("{% assign a = \"xxxxxxxxxxxxxxxx\" %}{% for i in (1..30) %}{% assign a = a | append: a %}{% endfor %}{{ a }}")]
    [InlineData("{% assign a = 'x' %}{{ a }}")]
    [InlineData("{% for i in (1..5000) %}{{ signature }}{% endfor %}")]
    [InlineData("{% capture c %}{{ signature }}{% endcapture %}{{ c }}")]
    [InlineData("{% include 'other' %}")]
    [InlineData("{% cycle 'a', 'b' %}")]
    public async Task Templates_that_could_grow_without_bound_are_refused_when_written_and_when_sent(string source)
    {
        Assert.NotNull(TemplateRenderer.Check(source));
        var (text, error) = await TemplateRenderer.RenderAsync(source, Jan);
        Assert.Null(text);
        Assert.NotNull(error);
    }

    [Fact]
    public async Task Output_conditions_and_filters_still_work()
    {
        const string source = "{{ salutation }},{% if company != '' %} bij {{ company | upcase }}{% endif %}{% unless email == '' %} ({{ email }}){% endunless %}";
        Assert.Null(TemplateRenderer.Check(source));
        var (text, error) = await TemplateRenderer.RenderAsync(source, Jan);
        Assert.Null(error);
        Assert.Equal("Geachte heer Van der Berg, bij BERG BV (jan@berg.example)", text);
    }
}
