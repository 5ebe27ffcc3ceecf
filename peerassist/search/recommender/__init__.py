"""The visiting-peer recommender: pure rules (`rules`), an in-memory BM25 index (`index`)
and the viewer-scoped gathering and ranking (`selectors.recommend_for_assist`)."""
