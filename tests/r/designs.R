# Reference numbers of R survey on seeded random designs, for tests/test_r_parity.py.
#
# Run from the project root:  Rscript tests/r/designs.R [OUT_DIR]   (default tests/r/results)
# Writes OUT_DIR/designs.csv (the sample of every design, one row per unit) and OUT_DIR/survey.csv (one row per
# number: design, quantity, term, value). Each design is drawn by this script from its seed, so the committed
# files are exactly what R prints; `make r-parity` regenerates them and fails when they differ.
#
# Design kinds: stratified with fpc; one-stage cluster; stratified cluster; stratified cluster with a stratum of a
# single PSU (options(survey.lonely.psu = "adjust")). n from 46 to 600, 2-14% missing values in y and yb, a domain of
# two units. Quantities: svymean / svytotal (na.rm), svyby domain means, svyciprop(method = "beta") on the whole
# sample and in domains (svyby), postStratify, rake (converged), calibrate linear and raking unbounded and with
# bounds that bind, svyglm(quasibinomial) coefficients, standard errors and df.residual.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[1] else file.path("tests", "r", "results")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

KINDS <- c("stratified_fpc", "cluster", "stratified_cluster", "lonely_psu")
PER_KIND <- 6
rows <- list()
samples <- list()

put <- function(design, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, quantity = quantity, term = as.character(term),
                                          value = as.numeric(value))
}

draw_sample <- function(id, kind) {
  set.seed(20261201 + id)
  n <- sample(46:600, 1)
  H <- if (kind == "cluster") 1 else sample(2:6, 1)
  stratum <- sort(sample(seq_len(H), n, replace = TRUE))
  stratum[seq_len(H)] <- seq_len(H)  # every stratum has a unit
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
  n_psu <- tapply(psu, stratum, function(p) length(unique(p)))
  fpc <- as.numeric(n_psu[as.character(stratum)]) * sample(c(2, 3, 5, 10), H, replace = TRUE)[stratum]
  w <- round(runif(n, 1, 8), 3) * fpc / as.numeric(n_psu[as.character(stratum)])
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
  data.frame(design = id, kind = kind, stratum = stratum, psu = psu, fpc = fpc, w = w, g1 = g1, g2 = g2,
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

estimates <- function(id, prefix, des) {
  m <- svymean(~y, des, na.rm = TRUE)
  put(id, paste0(prefix, "mean"), "y", coef(m)); put(id, paste0(prefix, "mean_se"), "y", SE(m))
  t <- svytotal(~y, des, na.rm = TRUE)
  put(id, paste0(prefix, "total"), "y", coef(t)); put(id, paste0(prefix, "total_se"), "y", SE(t))
}

id <- 0
for (kind in KINDS) {
  for (k in seq_len(PER_KIND)) {
    id <- id + 1
    s <- draw_sample(id, kind)
    samples[[id]] <- s
    des <- make_design(s)
    put(id, "degf", "", degf(des))
    estimates(id, "", des)
    by_d <- svyby(~y, ~d, des, svymean, na.rm = TRUE)
    for (i in seq_len(nrow(by_d))) {
      put(id, "domain_mean", by_d$d[i], by_d$y[i]); put(id, "domain_mean_se", by_d$d[i], by_d$se[i])
    }
    des_b <- subset(des, !is.na(yb))
    p <- svyciprop(~yb, des_b, method = "beta")
    put(id, "ciprop", "", coef(p)); put(id, "ciprop_low", "", confint(p)[1]); put(id, "ciprop_high", "", confint(p)[2])
    kg <- svyby(~yb, ~d, des_b, svyciprop, method = "beta", vartype = "ci")
    for (i in seq_len(nrow(kg))) {
      put(id, "domain_ciprop", kg$d[i], kg$yb[i])
      put(id, "domain_ciprop_low", kg$d[i], kg$ci_l[i]); put(id, "domain_ciprop_high", kg$d[i], kg$ci_u[i])
    }
    # Population counts for post-stratification, raking and calibration: the weighted sample counts, moved.
    n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
    n_g2 <- tapply(s$w, s$g2, sum) * c(0.95, 1.08)
    ps <- postStratify(des, ~g1, data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)))
    estimates(id, "poststratified_", ps)
    rk <- rake(des, list(~g1, ~g2), list(data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)),
                                         data.frame(g2 = names(n_g2), Freq = as.numeric(n_g2))),
               control = list(maxit = 500, epsilon = 1e-13, verbose = FALSE))
    estimates(id, "raked_", rk)
    totals <- c(sum(n_g1), n_g1[["b"]], n_g1[["c"]], sum(s$w * s$x) * 1.02)
    for (calfun in c("linear", "raking")) {
      cal <- calibrate(des, ~g1 + x, totals, calfun = calfun, epsilon = 1e-12, maxit = 500)
      g <- weights(cal) / weights(des)
      estimates(id, paste0(calfun, "_"), cal)
      put(id, paste0(calfun, "_g_min"), "", min(g)); put(id, paste0(calfun, "_g_max"), "", max(g))
      # Bounds that bind: inside the unbounded g-weights' range.
      # Bounds that bind: inside the unbounded g-weights' range (a tenth of the way in), so that R's
      # truncation of the g-weights is exercised; a design where R then fails to converge is recorded as such.
      bounds <- c(min(g) + 0.1 * (1 - min(g)), max(g) - 0.1 * (max(g) - 1))
      converged <- TRUE
      bcal <- tryCatch(withCallingHandlers(
        calibrate(des, ~g1 + x, totals, calfun = calfun, bounds = bounds, epsilon = 1e-12, maxit = 500),
        warning = function(w) {
          if (grepl("Failed to converge", conditionMessage(w))) converged <<- FALSE
          invokeRestart("muffleWarning")
        }), error = function(e) NULL)
      if (is.null(bcal)) {
        put(id, paste0(calfun, "_bounded_failed"), "", 1)
        next
      }
      bg <- weights(bcal) / weights(des)
      put(id, paste0(calfun, "_bounded_converged"), "", as.numeric(converged))
      put(id, paste0(calfun, "_bounds"), "low", bounds[1]); put(id, paste0(calfun, "_bounds"), "high", bounds[2])
      put(id, paste0(calfun, "_bounded_g_min"), "", min(bg)); put(id, paste0(calfun, "_bounded_g_max"), "", max(bg))
      estimates(id, paste0(calfun, "_bounded_"), bcal)
      for (i in seq_along(bg)) put(id, paste0(calfun, "_bounded_weight"), i, weights(bcal)[i])
    }
    fit <- svyglm(yb ~ x + g2, design = des, family = quasibinomial())
    for (term in names(coef(fit))) {
      put(id, "logit_coef", term, coef(fit)[[term]]); put(id, "logit_se", term, SE(fit)[[term]])
    }
    put(id, "logit_df_residual", "", fit$df.residual)
  }
}

write.csv(do.call(rbind, samples), file.path(out_dir, "designs.csv"), row.names = FALSE, na = "")
results <- do.call(rbind, rows)
results$value <- sprintf("%.17g", results$value)
write.csv(results, file.path(out_dir, "survey.csv"), row.names = FALSE, quote = c(3))
cat(sprintf("%d designs, %d numbers written to %s\n", id, nrow(results), out_dir))
