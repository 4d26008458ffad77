using Recsys.Features;

namespace Recsys.Recommenders;

/// <summary>A recommender that also learns from item content; it is given the content before <c>Fit</c>.</summary>
public interface IContentAware
{
    void UseContent(ItemContent content);
}
