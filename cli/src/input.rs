//! Answers from the person at the terminal, or from a script through options
//! and standard input.

use std::collections::HashMap;
use std::io::{self, BufRead, IsTerminal, Write};

use cognito_srp::Password;
use cognito_srp::signin::{FirstFactor, MfaCode, MfaType, NewPasswordRequired};
use cognito_srp_sdk::{PromptError, Prompter};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use zeroize::Zeroizing;

/// Standard input: a terminal to prompt on, or lines a script wrote, read one
/// answer per line in the order asked.
pub struct Input {
    terminal: bool,
    stdin: io::StdinLock<'static>,
}

impl Input {
    pub fn new() -> Self {
        let stdin = io::stdin();
        Input {
            terminal: stdin.is_terminal(),
            stdin: stdin.lock(),
        }
    }

    /// Whether standard input is a terminal (so answers are prompted for).
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// The next line of standard input, without its line ending.
    pub fn line(&mut self, what: &str) -> Result<Zeroizing<String>, PromptError> {
        let mut line = Zeroizing::new(String::new());
        if self.stdin.read_line(&mut line)? == 0 {
            return Err(PromptError::Unanswerable(format!(
                "standard input ended before the {what}"
            )));
        }
        let end = line.trim_end_matches(['\r', '\n']).len();
        line.truncate(end);
        Ok(line)
    }

    /// A secret: typed without echo on a terminal, else the next line.
    pub fn secret(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>, PromptError> {
        if self.terminal {
            Ok(Zeroizing::new(rpassword::prompt_password(prompt)?))
        } else {
            self.line(what)
        }
    }

    /// A visible answer: prompted for on a terminal, else the next line.
    pub fn visible(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>, PromptError> {
        if self.terminal {
            eprint!("{prompt}");
            io::stderr().flush()?;
        }
        let answer = self.line(what)?;
        Ok(Zeroizing::new(answer.trim().to_owned()))
    }
}

/// The command's [`Prompter`]: options first, then the terminal or standard input.
pub struct CliPrompter<'a> {
    pub input: &'a mut Input,
    pub username: String,
    pub new_password_stdin: bool,
    pub attributes: Vec<(String, String)>,
    pub mfa_code: Option<String>,
    pub custom_answer: Option<String>,
}

impl CliPrompter<'_> {
    fn code(&mut self, prompt: &str, what: &str) -> Result<String, PromptError> {
        // An option's code answers once: a second challenge needs a fresh code.
        match self.mfa_code.take() {
            Some(code) => Ok(code),
            None => Ok(self.input.visible(prompt, what)?.to_string()),
        }
    }
}

impl Prompter for CliPrompter<'_> {
    fn new_password(
        &mut self,
        challenge: &NewPasswordRequired,
    ) -> Result<(Password, HashMap<String, String>), PromptError> {
        eprintln!("This is a first sign-in with a temporary password: choose a new password.");
        let password = if self.new_password_stdin {
            self.input.line("new password")?
        } else if self.input.is_terminal() {
            let first = self.input.secret("New password: ", "new password")?;
            let again = self.input.secret("New password again: ", "new password")?;
            if first != again {
                return Err(PromptError::Unanswerable(
                    "the two new passwords differ".into(),
                ));
            }
            first
        } else {
            return Err(PromptError::Unanswerable(
                "NEW_PASSWORD_REQUIRED: give --new-password-stdin and the new password on \
                 standard input"
                    .into(),
            ));
        };
        let mut attributes: HashMap<String, String> = self.attributes.iter().cloned().collect();
        for name in challenge.required_attributes() {
            if attributes.contains_key(name) || challenge.user_attributes().contains_key(name) {
                continue;
            }
            if !self.input.is_terminal() {
                return Err(PromptError::Unanswerable(format!(
                    "NEW_PASSWORD_REQUIRED needs the attribute {name}: give --attribute {name}=VALUE"
                )));
            }
            let value = self.input.visible(&format!("{name}: "), name)?;
            attributes.insert(name.clone(), value.to_string());
        }
        Ok((Password::new(password.as_str()), attributes))
    }

    fn mfa_code(&mut self, challenge: &MfaCode) -> Result<String, PromptError> {
        let name = challenge.challenge_name();
        let prompt = match challenge.code_delivery_destination() {
            Some(destination) => format!("{name} code (sent to {destination}): "),
            None => format!("{name} code: "),
        };
        self.code(&prompt, &format!("{name} code"))
    }

    fn select_mfa_type(&mut self, choices: &[MfaType]) -> Result<MfaType, PromptError> {
        if !self.input.is_terminal() {
            // A script cannot pick from a menu: take the first kind it can answer without one.
            let preferred = [
                MfaType::SoftwareTokenMfa,
                MfaType::EmailOtp,
                MfaType::SmsMfa,
            ];
            let choice = preferred
                .into_iter()
                .find(|kind| choices.contains(kind))
                .ok_or_else(|| PromptError::Unanswerable("SELECT_MFA_TYPE: no choice".into()))?;
            eprintln!("SELECT_MFA_TYPE: choosing {}", choice.as_str());
            return Ok(choice);
        }
        for (i, kind) in choices.iter().enumerate() {
            eprintln!("  {}) {}", i + 1, kind.as_str());
        }
        let answer = self.input.visible("MFA type (number): ", "MFA type")?;
        answer
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| choices.get(i).copied())
            .ok_or_else(|| PromptError::Unanswerable(format!("no MFA type numbered {}", &*answer)))
    }

    fn custom_challenge(
        &mut self,
        parameters: &HashMap<String, String>,
    ) -> Result<String, PromptError> {
        if let Some(answer) = self.custom_answer.take() {
            return Ok(answer);
        }
        let mut names: Vec<_> = parameters.iter().collect();
        names.sort();
        for (name, value) in names {
            eprintln!("CUSTOM_CHALLENGE {name}: {value}");
        }
        Ok(self
            .input
            .visible("Answer: ", "custom challenge answer")?
            .to_string())
    }

    fn software_token_setup(&mut self, secret_code: &str) -> Result<String, PromptError> {
        eprintln!("MFA_SETUP: add this secret to an authenticator app (TOTP, base32):");
        eprintln!("  {secret_code}");
        self.code("Code from the app: ", "first code of the authenticator app")
    }

    fn software_token_setup_uri(
        &mut self,
        secret_code: &str,
        otpauth_uri: &str,
    ) -> Result<String, PromptError> {
        eprintln!("MFA_SETUP: add this secret to an authenticator app (TOTP, base32):");
        eprintln!("  {secret_code}");
        eprintln!("or its URI:");
        eprintln!("  {otpauth_uri}");
        // A QR code only where a person can scan it.
        if io::stderr().is_terminal() {
            match qr_code(otpauth_uri) {
                Some(qr) => eprintln!("or scan:\n{qr}"),
                None => eprintln!("(the URI is too long for a QR code)"),
            }
        }
        self.code("Code from the app: ", "first code of the authenticator app")
    }

    fn select_challenge(&mut self, available: &[FirstFactor]) -> Result<FirstFactor, PromptError> {
        eprintln!("SELECT_CHALLENGE: how do you want to sign in?");
        for (i, factor) in available.iter().enumerate() {
            eprintln!("  {}) {}", i + 1, describe(*factor));
        }
        let answer = self
            .input
            .visible("First factor (number or name): ", "first factor")?;
        let by_number = answer
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| available.get(i).copied());
        let by_name = FirstFactor::parse(&answer.to_ascii_uppercase().replace('-', "_"))
            .filter(|f| available.contains(f));
        by_number
            .or(by_name)
            .ok_or_else(|| PromptError::Unanswerable(format!("no first factor {:?}", &*answer)))
    }

    fn password(&mut self) -> Result<Password, PromptError> {
        let prompt = format!("Password for {}: ", self.username);
        let password = self.input.secret(&prompt, "password")?;
        Ok(Password::new(password.as_str()))
    }

    fn web_authn(&mut self, credential_request_options: &str) -> Result<String, PromptError> {
        eprintln!(
            "WEB_AUTHN: give these credential request options to a passkey authenticator \
             (navigator.credentials.get):"
        );
        eprintln!("{credential_request_options}");
        Ok(self
            .input
            .visible("Credential (JSON, one line): ", "WebAuthn credential")?
            .to_string())
    }
}

/// A first factor as the menu shows it.
fn describe(factor: FirstFactor) -> String {
    let what = match factor {
        FirstFactor::PasswordSrp => "the password, proved by SRP: never sent",
        FirstFactor::Password => "the password, sent to the service",
        FirstFactor::EmailOtp => "a code sent by email",
        FirstFactor::SmsOtp => "a code sent by SMS",
        FirstFactor::WebAuthn => "a passkey",
    };
    format!("{} ({what})", factor.as_str())
}

/// `text` as a QR code drawn with Unicode half blocks (two rows of modules
/// per line of text) with its quiet zone; `None` if it does not fit in a QR
/// code. The light modules are the drawn ones, as `qrencode -t UTF8` draws
/// them: on the usual light-on-dark terminal the code reads dark on light.
fn qr_code(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .build(),
    )
}
