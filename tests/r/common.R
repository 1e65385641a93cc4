# Shared by the scripts of tests/r: seeded random designs and the long results format.
#
# Every script runs from the repository root (`Rscript tests/r/<name>.R [OUT_DIR]`) and writes
# OUT_DIR/<name>.csv (default tests/r/results), one row per number: case, quantity, term, value, the value at
# full precision (17 significant digits), so that the committed files are exactly what R prints. Scripts that draw
# their own data write them too, as OUT_DIR/<name>_data.csv, for the Python side to rebuild the same designs.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
OUT_DIR <- if (length(args)) args[1] else file.path("tests", "r", "results")
dir.create(OUT_DIR, showWarnings = FALSE, recursive = TRUE)

.rows <- new.env()
.rows$list <- list()

# Record one or more numbers (a vector gets one row per element, its names or positions as terms).
put <- function(case, quantity, value, term = "") {
  if (length(value) > 1 && identical(term, "")) term <- if (is.null(names(value))) seq_along(value) else names(value)
  value <- as.numeric(value)
  .rows$list[[length(.rows$list) + 1]] <- data.frame(case = as.character(case), quantity = quantity,
                                                     term = as.character(term), value = value)
}

# The shortest of 15 or 17 significant digits that reads back as the same double.
full <- function(x) {
  short <- trimws(formatC(x, digits = 15, format = "g"))
  long <- trimws(formatC(x, digits = 17, format = "g"))
  exact <- suppressWarnings(as.numeric(short)) == x
  ifelse(is.na(x), ifelse(is.nan(x), "NaN", "NA"), ifelse(!is.na(exact) & exact, short, long))
}

write_results <- function(name) {
  results <- do.call(rbind, .rows$list)
  results$value <- full(results$value)
  path <- file.path(OUT_DIR, paste0(name, ".csv"))
  write.csv(results, path, row.names = FALSE, quote = TRUE)
  cat(sprintf("%d numbers written to %s\n", nrow(results), path))
}

write_data <- function(name, data) {
  numeric <- vapply(data, is.numeric, logical(1))
  data[numeric] <- lapply(data[numeric], full)
  data[numeric] <- lapply(data[numeric], function(x) ifelse(x == "NA", "", x))
  write.csv(data, file.path(OUT_DIR, paste0(name, "_data.csv")), row.names = FALSE, quote = TRUE)
}

KINDS <- c("stratified_fpc", "cluster", "stratified_cluster", "lonely_psu")

# One random sample of a design kind: n 46-600, 1-6 strata, 2-15 PSUs per stratum (one in stratum 1 for
# "lonely_psu"), population counts of PSUs for the fpc, unequal weights, 2-14% missing values in y and yb (and,
# in every other design, one whole PSU without yb, so that the complete cases lose a PSU), domains p, q, r and
# "tiny" of two units.
draw_sample <- function(id, kind, seed = 20261201) {
  set.seed(seed + id)
  n <- sample(46:600, 1)
  H <- if (kind == "cluster") 1 else sample(2:6, 1)
  stratum <- sample(seq_len(H), n, replace = TRUE)
  stratum[seq_len(H)] <- seq_len(H)
  stratum <- sort(stratum)
  if (kind == "stratified_fpc") {
    psu <- seq_len(n)
  } else {
    psu <- integer(n)
    for (h in seq_len(H)) {
      in_h <- which(stratum == h)
      k <- max(2, min(length(in_h), sample(2:15, 1)))
      psu[in_h] <- h * 1000 + sort(sample(seq_len(k), length(in_h), replace = TRUE))
    }
    if (kind == "lonely_psu") psu[stratum == 1] <- 1000 + 1
  }
  n_psu <- as.numeric(tapply(psu, stratum, function(p) length(unique(p))))[stratum]
  fpc <- n_psu * sample(c(2, 3, 5, 10), H, replace = TRUE)[stratum]
  w <- round(runif(n, 1, 8), 3) * fpc / n_psu
  g1 <- sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
  g2 <- sample(c("u", "v"), n, replace = TRUE)
  x <- round(rnorm(n, 10, 3), 4)
  y <- round(2 + 0.3 * x + (g1 == "b") + rnorm(n), 4)
  yb <- rbinom(n, 1, plogis(-2 + 0.15 * x + 0.5 * (g2 == "v")))
  d <- sample(c("p", "q", "r"), n, replace = TRUE)
  d[sample(n, 2)] <- "tiny"
  miss <- runif(1, 0.02, 0.14)
  y[runif(n) < miss] <- NA
  yb[runif(n) < miss] <- NA
  if (id %% 2 == 0 && kind != "stratified_fpc") yb[psu == psu[n]] <- NA
  data.frame(case = id, kind = kind, stratum = stratum, psu = psu, fpc = fpc, w = w, g1 = g1, g2 = g2,
             x = x, y = y, yb = yb, d = d)
}

make_design <- function(s) {
  if (s$kind[1] == "stratified_fpc") {
    svydesign(ids = ~1, strata = ~stratum, fpc = ~fpc, weights = ~w, data = s)
  } else if (s$kind[1] == "cluster") {
    svydesign(ids = ~psu, weights = ~w, data = s)
  } else {
    svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = s, nest = TRUE)
  }
}

# Call f(id, s, prefix, d) for each of the 32 designs of designs.R (8 per kind, the same seeds): first on the base
# design (prefix ""), then on its post-stratification on g1 to 1.10, 0.90 and 1.05 times the sample's weighted
# counts (prefix "poststratified_").
for_each_design <- function(f) {
  id <- 0
  for (kind in KINDS) {
    for (k in 1:8) {
      id <- id + 1
      s <- draw_sample(id, kind)
      des <- make_design(s)
      n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
      ps <- postStratify(des, ~g1, data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)))
      f(id, s, "", des)
      f(id, s, "poststratified_", ps)
    }
  }
}
