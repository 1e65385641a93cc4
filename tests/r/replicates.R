# R survey on the package's replicate weights: what tests/test_replicates.py compares the package with.
#
#   Rscript tests/r/replicates.R [OUT_DIR]     (from the repository root)
#
# Reads tests/r/replicates/ (written by `python tests/replicate_cases.py`: seeded designs and the replicate weights
# helpers.survey.replicates built for them) and writes OUT_DIR/replicates.csv (default tests/r/results), one row per
# number: case, quantity, term, value (17 significant digits).
# - Each case: svrepdesign(repweights = the package's, type, scale, rscales, combined.weights = TRUE), with
#   mse = FALSE and TRUE: svymean / svytotal of y (na.rm) and p, svyby domain means and totals of y, degf,
#   svyciprop(~p, method = "beta") on the whole sample and by domain (svyby, which subsets the rows).
# - "ref_": R's own as.svrepdesign(svydesign(...), type = ...) replicates of the same design (JK1, JKn, BRR; with
#   survey.lonely.psu = "remove"), for the construction: the same estimates (BRR: totals only, since any
#   fully balanced Hadamard matrix gives the same variance of a linear estimator, not of a ratio).
# - "chain_": the weighting redone on the jackknife replicates: respondents of chain_population.csv as a stratified
#   sample of their cells (fpc: the cell counts), as.svrepdesign(type = "JKn"), then postStratify(~b),
#   calibrate(~cell + a + b) linear and raking, rake(~cell, ~a, ~b) converged; svymean(~y) and svyby(~y, ~a).
# - "tests_": on each case's svrepdesign (mse = FALSE and TRUE), svychisq(statistic = "F" and "Chisq") of ~p + d
#   and ~pm + d (pm: p missing where y is), whole and subset(w > 3); svyquantile(~y, c(0.1, 0.5, 0.9),
#   na.rm = TRUE) with qrule "math" and "hf7", whole and subset(d == "a"); svyratio(~y, ~x) (x = 1 + p +
#   (d == "a")), whole and subset(d == "a"), with confint.
suppressPackageStartupMessages(library(survey))
set.seed(20261201)  # nothing here is random; kept for the tests/r convention
options(survey.lonely.psu = "remove")

args <- commandArgs(trailingOnly = TRUE)
OUT_DIR <- if (length(args)) args[1] else file.path("tests", "r", "results")
IN_DIR <- file.path("tests", "r", "replicates")
dir.create(OUT_DIR, showWarnings = FALSE, recursive = TRUE)

rows <- list()
put <- function(case, quantity, value, term = "") {
  if (length(value) > 1 && identical(term, "")) term <- if (is.null(names(value))) seq_along(value) else names(value)
  rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity, term = as.character(term),
                                          value = as.numeric(value))
}

estimates <- function(case, prefix, des, linear_only = FALSE) {
  t <- svytotal(~y, des, na.rm = TRUE)
  put(case, paste0(prefix, "total_y"), coef(t)); put(case, paste0(prefix, "total_y_se"), SE(t))
  tp <- svytotal(~p, des)
  put(case, paste0(prefix, "total_p"), coef(tp)); put(case, paste0(prefix, "total_p_se"), SE(tp))
  by_t <- svyby(~y, ~d, des, svytotal, na.rm = TRUE)
  put(case, paste0(prefix, "domain_total_y"), coef(by_t)); put(case, paste0(prefix, "domain_total_y_se"), SE(by_t), names(coef(by_t)))
  if (linear_only) return(invisible())
  m <- svymean(~y, des, na.rm = TRUE)
  put(case, paste0(prefix, "mean_y"), coef(m)); put(case, paste0(prefix, "mean_y_se"), SE(m))
  mp <- svymean(~p, des)
  put(case, paste0(prefix, "mean_p"), coef(mp)); put(case, paste0(prefix, "mean_p_se"), SE(mp))
  ci <- svyciprop(~p, des, method = "beta")
  put(case, paste0(prefix, "ciprop_p"), attr(ci, "ci"), c("low", "high"))
  by_ci <- svyby(~p, ~d, des, svyciprop, method = "beta", vartype = "ci")
  put(case, paste0(prefix, "domain_ciprop_p_low"), by_ci$ci_l, by_ci$d)
  put(case, paste0(prefix, "domain_ciprop_p_high"), by_ci$ci_u, by_ci$d)
  by_m <- svyby(~y, ~d, des, svymean, na.rm = TRUE)
  put(case, paste0(prefix, "domain_mean_y"), coef(by_m)); put(case, paste0(prefix, "domain_mean_y_se"), SE(by_m), names(coef(by_m)))
}

design_tests <- function(case, prefix, des) {
  des <- update(des, pm = ifelse(is.na(y), NA, p), x = 1 + p + (d == "a"))
  for (statistic in c("F", "Chisq")) {
    for (domain in c("all", "heavy")) {
      dd <- if (domain == "all") des else subset(des, w > 3)
      for (rows in c("p", "pm")) {
        test <- svychisq(as.formula(paste0("~", rows, " + d")), dd, statistic = statistic)
        put(case, paste0(prefix, statistic, "_", rows, "_d_", domain), c(test$statistic, test$parameter, test$p.value),
            c("statistic", names(test$parameter), "p_value"))
      }
    }
  }
  P <- c(0.1, 0.5, 0.9)
  for (qrule in c("math", "hf7")) {
    for (domain in c("all", "a")) {
      dd <- if (domain == "all") des else subset(des, d == "a")
      q <- suppressWarnings(svyquantile(~y, dd, P, na.rm = TRUE, qrule = qrule))$y
      put(case, paste0(prefix, "quantile_", qrule, "_", domain), as.vector(q),
          as.vector(outer(P, c("quantile", "ci_low", "ci_high", "se"), paste, sep = "_")))
    }
  }
  for (domain in c("all", "a")) {
    dd <- if (domain == "all") des else subset(des, d == "a")
    r <- svyratio(~y, ~x, dd, na.rm = TRUE)
    put(case, paste0(prefix, "ratio_", domain), c(coef(r), SE(r), confint(r)),
        c("estimate", "se", "ci_low", "ci_high"))
  }
}

cases <- read.csv(file.path(IN_DIR, "cases.csv"), stringsAsFactors = FALSE)
for (i in seq_len(nrow(cases))) {
  case <- cases$case[i]
  data <- read.csv(file.path(IN_DIR, paste0(case, ".csv")), stringsAsFactors = FALSE)
  rscales <- read.csv(file.path(IN_DIR, paste0(case, ".rscales.csv")))$rscales
  repweights <- as.matrix(data[, grep("^rep[0-9]+$", names(data))])
  for (mse in c(FALSE, TRUE)) {
    des <- if (cases$type[i] == "Fay") {
      svrepdesign(data = data, repweights = repweights, weights = ~w, type = "Fay", rho = cases$fay_rho[i],
                  combined.weights = TRUE, mse = mse)
    } else if (cases$type[i] == "BRR") {  # R's BRR scale is 1/R, the package's
      svrepdesign(data = data, repweights = repweights, weights = ~w, type = "BRR", combined.weights = TRUE,
                  mse = mse)
    } else {
      svrepdesign(data = data, repweights = repweights, weights = ~w, type = cases$type[i], scale = cases$scale[i],
                  rscales = rscales, combined.weights = TRUE, mse = mse)
    }
    estimates(case, if (mse) "mse_" else "", des)
    design_tests(case, if (mse) "tests_mse_" else "tests_", des)
    if (!mse) put(case, "degf", degf(des))
  }
  if (cases$reference[i] != "none") {
    fpc <- if (all(is.na(data$fpc))) NULL else ~fpc
    strata <- if (cases$reference[i] == "JK1") NULL else ~strata
    base <- svydesign(ids = ~psu, strata = strata, fpc = fpc, weights = ~w, data = data)
    ref <- as.svrepdesign(base, type = cases$reference[i])
    estimates(case, "ref_", ref, linear_only = cases$reference[i] == "BRR")
  }
}

population <- read.csv(file.path(IN_DIR, "chain_population.csv"), stringsAsFactors = FALSE)
population$respondent <- as.logical(population$respondent)
respondents <- population[population$respondent, ]
cell_size <- table(population$cell)
respondents$N <- as.numeric(cell_size[respondents$cell])
respondents$w <- respondents$N / as.numeric(table(respondents$cell)[respondents$cell])
jkn <- as.svrepdesign(svydesign(ids = ~1, strata = ~cell, fpc = ~N, weights = ~w, data = respondents), type = "JKn")
margins <- lapply(c("cell", "a", "b"), function(v) {
  counts <- as.data.frame(table(population[[v]]), stringsAsFactors = FALSE)
  names(counts) <- c(v, "Freq")
  counts
})
totals <- colSums(model.matrix(~cell + a + b, population))
chains <- list(
  cell = jkn,
  poststratification = postStratify(jkn, ~b, margins[[3]]),
  linear = calibrate(jkn, ~cell + a + b, totals, calfun = "linear"),
  raking = calibrate(jkn, ~cell + a + b, totals, calfun = "raking", epsilon = 1e-13, maxit = 200),
  rake = rake(jkn, list(~cell, ~a, ~b), margins, control = list(maxit = 5000, epsilon = 1e-14, verbose = FALSE))
)
for (name in names(chains)) {
  des <- chains[[name]]
  m <- svymean(~y, des, na.rm = TRUE)
  put(paste0("chain_", name), "mean_y", coef(m)); put(paste0("chain_", name), "mean_y_se", SE(m))
  by_a <- svyby(~y, ~a, des, svymean, na.rm = TRUE)
  put(paste0("chain_", name), "domain_mean_y", coef(by_a)); put(paste0("chain_", name), "domain_mean_y_se", SE(by_a), names(coef(by_a)))
}

results <- do.call(rbind, rows)
results$value <- format(results$value, digits = 17)
path <- file.path(OUT_DIR, "replicates.csv")
write.csv(results, path, row.names = FALSE)
cat(sprintf("%d numbers written to %s\n", nrow(results), path))
