# R on the models of the package: mice pooling, Fisher's exact test, the weighted response model, and the
# tests of response (Pearson's chi-square, the design-based t test on the frame taken as a design of equal weights).
#
#   Rscript tests/r/models.R [OUT_DIR]     (from the repository root)
#
# Writes models_data.csv and models.csv. Cases:
# * pool<i>: m = 5 random completions of the missing yb of a stratified cluster design of designs.R's kind, a
#   svyglm(quasibinomial) on each and mice::pool (Barnard-Rubin degrees of freedom from svyglm's df.residual);
#   and mice::pool.scalar on random estimates with a complete-data df (pool_scalar<i>);
# * fisher<i>: fisher.test on random 2x2 tables (conditional MLE odds ratio, exact interval, p-value);
# * response<i>: glm(binomial) of response on frame variables, unweighted and with weights rescaled to mean 1;
#   chisq.test(correct = FALSE) and svyttest(log_size ~ respondent) on svydesign(ids = ~1) of response.
source(file.path("tests", "r", "common.R"))
suppressPackageStartupMessages(library(mice))
options(survey.lonely.psu = "adjust")

samples <- list()
for (i in 1:6) {
  s <- draw_sample(100 + i, c("stratified_cluster", "cluster", "stratified_fpc")[(i - 1) %% 3 + 1])
  missing <- is.na(s$yb)
  fits <- list()
  for (j in 1:5) {
    completed <- s
    completed$yb[missing] <- rbinom(sum(missing), 1, 0.3)
    completed$imputation <- j
    samples[[length(samples) + 1]] <- completed
    fits[[j]] <- svyglm(yb ~ x + g2, design = make_design(completed), family = quasibinomial())
  }
  pooled <- summary(pool(as.mira(fits)), conf.int = TRUE)
  terms <- as.character(pooled$term)
  case <- paste0("pool", i)
  put(case, "estimate", pooled$estimate, terms); put(case, "se", pooled$std.error, terms)
  put(case, "df", pooled$df, terms); put(case, "p_value", pooled$p.value, terms)
  put(case, "ci_low", pooled[["2.5 %"]], terms); put(case, "ci_high", pooled[["97.5 %"]], terms)
  pars <- pool(as.mira(fits))$pooled
  put(case, "riv", pars$riv, terms); put(case, "lambda", pars$lambda, terms); put(case, "fmi", pars$fmi, terms)
  put(case, "dfcom", pars$dfcom[1])

  set.seed(500 + i)
  m <- sample(2:20, 1)
  q <- rnorm(m, 1, 0.3); u <- rexp(m, 20)
  dfcom <- c(Inf, 5, 40, 400, 12, 1e6)[i]
  scalar <- pool.scalar(q, u, n = dfcom + 1, k = 1)
  case <- paste0("pool_scalar", i)
  put(case, "q", q); put(case, "u", u); put(case, "dfcom", dfcom)
  put(case, "estimate", scalar$qbar); put(case, "within", scalar$ubar); put(case, "between", scalar$b)
  put(case, "total", scalar$t); put(case, "df", scalar$df); put(case, "riv", scalar$r); put(case, "fmi", scalar$fmi)
}
data <- do.call(rbind, samples)

# fisher.test solves for the conditional MLE and the interval bounds with uniroot's default tolerance (about
# 1e-4), so its printed digits stop there. The same equations (fisher.test's noncentral hypergeometric
# distribution), solved to 1e-13 on the log odds ratio:
fisher_tight <- function(table, level = 0.95) {
  m <- sum(table[, 1]); n <- sum(table[, 2]); k <- sum(table[1, ]); x <- table[1, 1]
  lo <- max(0, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) sum(support * dnhyper(ncp))
  pnhyper <- function(q, ncp, upper) sum(dnhyper(ncp)[if (upper) support >= q else support <= q])
  solve <- function(f) exp(uniroot(function(t) f(exp(t)), c(-50, 50), tol = 1e-13, maxiter = 1000)$root)
  alpha <- (1 - level) / 2
  estimate <- if (x == lo) 0 else if (x == hi) Inf else solve(function(t) mnhyper(t) - x)
  low <- if (x == lo) 0 else solve(function(t) pnhyper(x, t, TRUE) - alpha)
  high <- if (x == hi) Inf else solve(function(t) pnhyper(x, t, FALSE) - alpha)
  list(estimate = estimate, ci = c(low, high))
}

set.seed(77)
for (i in 1:8) {
  table <- matrix(c(sample(0:15, 1), sample(1:30, 1), sample(1:25, 1), sample(0:60, 1)), 2)
  if (i == 1) table[1, 1] <- 0
  test <- fisher.test(table)
  case <- paste0("fisher", i)
  put(case, "table", as.vector(table))
  put(case, "p_value", test$p.value)
  put(case, "printed_odds_ratio", test$estimate); put(case, "printed_ci", test$conf.int, c("low", "high"))
  tight <- fisher_tight(table)
  put(case, "odds_ratio", tight$estimate); put(case, "ci", tight$ci, c("low", "high"))
}

# glm's default stops when the deviance changes by less than 1e-8 (relative): coefficients then move in the 7th
# digit. The package iterates to convergence; so does R here.
converged <- glm.control(epsilon = 1e-14, maxit = 100)
frames <- list()
for (i in 1:4) {
  set.seed(900 + i)
  n <- sample(150:700, 1)
  frame <- data.frame(case = i, type = sample(c("commune", "departement", "epci", "region"), n, TRUE,
                                               prob = c(0.4, 0.2, 0.3, 0.1)),
                      size = round(rlnorm(n, 10, 1.2)), w = round(runif(n, 1, 4), 2))
  frame$log_size <- log(frame$size)
  frame$respondent <- rbinom(n, 1, plogis(-1.8 + 0.25 * (frame$log_size - 10) + 0.6 * (frame$type == "region")))
  frames[[i]] <- frame
  case <- paste0("response", i)
  for (weighted in c(FALSE, TRUE)) {
    fit <- if (weighted) {
      suppressWarnings(glm(respondent ~ type + log_size, family = binomial, data = frame, weights = w / mean(w),
                           control = converged))
    } else glm(respondent ~ type + log_size, family = binomial, data = frame, control = converged)
    # glm's covariance uses the working weights of its last iteration's start, one step behind: refit from the
    # solution so that they are the converged ones.
    fit <- suppressWarnings(update(fit, start = coef(fit)))
    prefix <- if (weighted) "weighted_" else ""
    put(case, paste0(prefix, "coef"), coef(fit))
    put(case, paste0(prefix, "se"), sqrt(diag(vcov(fit))))
    put(case, paste0(prefix, "fitted_sum"), sum(fitted(fit)))
  }
  chi <- chisq.test(table(frame$type, frame$respondent), correct = FALSE)
  put(case, "chisq", c(chi$statistic, chi$parameter, chi$p.value), c("statistic", "df", "p_value"))
  equal <- suppressWarnings(svydesign(ids = ~1, data = transform(frame, responded = factor(respondent))))
  tt <- svyttest(log_size ~ responded, equal)
  put(case, "svyttest", c(tt$statistic, tt$parameter, tt$p.value), c("statistic", "df", "p_value"))
}

write_data("models", data)
write_data("models_frames", do.call(rbind, frames))
write_results("models")
