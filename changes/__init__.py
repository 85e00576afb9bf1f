"""Who changed what: change sets, the history of every tracked row, and the version
checks that keep two editors from overwriting each other. Knows neither app."""
