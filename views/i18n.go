package views

import (
	"fmt"
	"strings"
)

// Lang is a language of the business client's page.
type Lang string

// The languages the client page speaks.
const (
	EN Lang = "en"
	ES Lang = "es"
	PT Lang = "pt"
)

// Langs lists them in the switcher's order, with their own names.
var Langs = []struct {
	Code Lang
	Name string
}{{EN, "English"}, {ES, "Español"}, {PT, "Português"}}

// ParseLang picks a supported language from a ?lang value, a cookie or an
// Accept-Language header, in that order of the arguments; English otherwise.
func ParseLang(candidates ...string) Lang {
	for _, c := range candidates {
		for _, part := range strings.Split(c, ",") {
			tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
			switch {
			case strings.HasPrefix(tag, "es"):
				return ES
			case strings.HasPrefix(tag, "pt"):
				return PT
			case strings.HasPrefix(tag, "en"):
				return EN
			}
		}
	}
	return EN
}

// T translates key into lang; a missing translation shows as ⟦key⟧ so tests
// (and people) notice.
func T(lang Lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok || m[lang] == "" {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 {
		return m[lang]
	}
	return fmt.Sprintf(m[lang], args...)
}

// CatalogKeys lists every key, for the completeness test.
func CatalogKeys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	return keys
}

// CatalogText returns one entry as stored, for tests.
func CatalogText(lang Lang, key string) string { return catalog[key][lang] }

type tr = map[Lang]string

// catalog holds every string of the client page in the three languages.
var catalog = map[string]tr{
	"title":                        {EN: "WhatsApp set-up for %s", ES: "Configuración de WhatsApp para %s", PT: "Configuração do WhatsApp para %s"},
	"intro":                        {EN: "%s is setting up WhatsApp Business for you. This page shows where things stand and what you need to do.", ES: "%s está configurando WhatsApp Business para usted. Esta página muestra en qué punto está y qué debe hacer.", PT: "%s está configurando o WhatsApp Business para você. Esta página mostra em que ponto está e o que você precisa fazer."},
	"language":                     {EN: "Language", ES: "Idioma", PT: "Idioma"},
	"steps":                        {EN: "Steps", ES: "Pasos", PT: "Etapas"},
	"step.prepare":                 {EN: "We prepare your WhatsApp account", ES: "Preparamos su cuenta de WhatsApp", PT: "Preparamos sua conta do WhatsApp"},
	"step.approve":                 {EN: "You approve the request at Meta", ES: "Usted aprueba la solicitud en Meta", PT: "Você aprova a solicitação na Meta"},
	"step.account":                 {EN: "Your WhatsApp account is created", ES: "Se crea su cuenta de WhatsApp", PT: "Sua conta do WhatsApp é criada"},
	"step.number":                  {EN: "Your phone number is set up", ES: "Se configura su número de teléfono", PT: "Seu número de telefone é configurado"},
	"step.verify":                  {EN: "You confirm your number with a code", ES: "Usted confirma su número con un código", PT: "Você confirma seu número com um código"},
	"step.done":                    {EN: "Ready to use WhatsApp", ES: "Listo para usar WhatsApp", PT: "Pronto para usar o WhatsApp"},
	"state.done":                   {EN: "done", ES: "hecho", PT: "concluído"},
	"state.current":                {EN: "now", ES: "ahora", PT: "agora"},
	"state.todo":                   {EN: "later", ES: "después", PT: "depois"},
	"now":                          {EN: "What you need to do now", ES: "Lo que debe hacer ahora", PT: "O que você precisa fazer agora"},
	"next":                         {EN: "What happens next", ES: "Qué sucede después", PT: "O que acontece depois"},
	"now.nothing":                  {EN: "Nothing right now. %s is working on it.", ES: "Nada por ahora. %s está trabajando en ello.", PT: "Nada por enquanto. %s está cuidando disso."},
	"next.approve":                 {EN: "You will be asked to approve a request from Meta. We will show you how, right here.", ES: "Se le pedirá que apruebe una solicitud de Meta. Le mostraremos cómo, aquí mismo.", PT: "Será pedido que você aprove uma solicitação da Meta. Mostraremos como, aqui mesmo."},
	"meta.heading":                 {EN: "Approve the request in Meta Business Suite", ES: "Apruebe la solicitud en Meta Business Suite", PT: "Aprove a solicitação no Meta Business Suite"},
	"meta.button":                  {EN: "Open the request in Meta Business Suite", ES: "Abrir la solicitud en Meta Business Suite", PT: "Abrir a solicitação no Meta Business Suite"},
	"meta.admin":                   {EN: "Only an admin of your Business Portfolio can see and approve this request.", ES: "Solo un administrador de su portafolio comercial puede ver y aprobar esta solicitud.", PT: "Somente um administrador do seu portfólio empresarial pode ver e aprovar esta solicitação."},
	"meta.path":                    {EN: "If the button does not open it, follow these steps:", ES: "Si el botón no la abre, siga estos pasos:", PT: "Se o botão não abrir, siga estas etapas:"},
	"meta.path1":                   {EN: "Open business.facebook.com and choose your business portfolio.", ES: "Abra business.facebook.com y elija su portafolio comercial.", PT: "Abra business.facebook.com e escolha seu portfólio empresarial."},
	"meta.path2":                   {EN: "Go to Settings, then Requests, then Other requests, tab Received.", ES: "Vaya a Configuración, luego Solicitudes, luego Otras solicitudes, pestaña Recibidas.", PT: "Vá em Configurações, depois Solicitações, depois Outras solicitações, aba Recebidas."},
	"meta.path3":                   {EN: "Review the request for the WhatsApp Business Account and confirm it.", ES: "Revise la solicitud de la cuenta de WhatsApp Business y confírmela.", PT: "Revise a solicitação da conta do WhatsApp Business e confirme-a."},
	"meta.expires":                 {EN: "Meta cancels the request if it is not approved within 90 days (by %s).", ES: "Meta cancela la solicitud si no se aprueba en 90 días (antes del %s).", PT: "A Meta cancela a solicitação se não for aprovada em 90 dias (até %s)."},
	"meta.sandbox":                 {EN: "Test mode: this button opens a practice page, not the real Meta.", ES: "Modo de prueba: este botón abre una página de práctica, no la Meta real.", PT: "Modo de teste: este botão abre uma página de treino, não a Meta real."},
	"next.account":                 {EN: "Once you approve, Meta creates your WhatsApp account. Then your phone number is set up.", ES: "Cuando apruebe, Meta crea su cuenta de WhatsApp. Luego se configura su número de teléfono.", PT: "Quando você aprovar, a Meta cria sua conta do WhatsApp. Depois seu número de telefone é configurado."},
	"next.number":                  {EN: "Your phone number is set up and reviewed. Then you confirm it with a code we send to it.", ES: "Se configura y revisa su número de teléfono. Luego lo confirma con un código que le enviamos.", PT: "Seu número de telefone é configurado e revisado. Depois você o confirma com um código que enviamos para ele."},
	"next.verify":                  {EN: "Once the number is confirmed, WhatsApp activates it. This usually takes a few minutes.", ES: "Una vez confirmado el número, WhatsApp lo activa. Suele tardar unos minutos.", PT: "Depois que o número for confirmado, o WhatsApp o ativa. Isso costuma levar alguns minutos."},
	"otp.heading":                  {EN: "Confirm your phone number", ES: "Confirme su número de teléfono", PT: "Confirme seu número de telefone"},
	"otp.intro":                    {EN: "We send a 6-digit code to %s. Choose how to receive it:", ES: "Enviamos un código de 6 dígitos al %s. Elija cómo recibirlo:", PT: "Enviamos um código de 6 dígitos para %s. Escolha como recebê-lo:"},
	"otp.sms":                      {EN: "Text message (SMS)", ES: "Mensaje de texto (SMS)", PT: "Mensagem de texto (SMS)"},
	"otp.voice":                    {EN: "Phone call", ES: "Llamada telefónica", PT: "Ligação telefônica"},
	"otp.send":                     {EN: "Send me the code", ES: "Enviarme el código", PT: "Enviar o código"},
	"otp.sent":                     {EN: "The code is on its way. It may take a minute.", ES: "El código está en camino. Puede tardar un minuto.", PT: "O código está a caminho. Pode levar um minuto."},
	"otp.code":                     {EN: "6-digit code", ES: "Código de 6 dígitos", PT: "Código de 6 dígitos"},
	"otp.verify":                   {EN: "Confirm", ES: "Confirmar", PT: "Confirmar"},
	"otp.method":                   {EN: "How to receive the code", ES: "Cómo recibir el código", PT: "Como receber o código"},
	"err.method":                   {EN: "Choose a text message or a phone call.", ES: "Elija un mensaje de texto o una llamada.", PT: "Escolha uma mensagem de texto ou uma ligação."},
	"err.code.format":              {EN: "Enter the 6 digits of the code.", ES: "Ingrese los 6 dígitos del código.", PT: "Digite os 6 dígitos do código."},
	"err.code.wrong":               {EN: "That code is not right. Check the latest message and try again.", ES: "Ese código no es correcto. Revise el último mensaje e inténtelo de nuevo.", PT: "Esse código não está correto. Confira a última mensagem e tente novamente."},
	"err.code.limit":               {EN: "Too many wrong codes. Ask for a new code, then enter it.", ES: "Demasiados códigos incorrectos. Pida un código nuevo y luego ingréselo.", PT: "Códigos errados demais. Peça um novo código e depois digite-o."},
	"err.wait":                     {EN: "A code was just sent. Please wait %d seconds before asking again.", ES: "Se acaba de enviar un código. Espere %d segundos antes de pedir otro.", PT: "Um código acabou de ser enviado. Aguarde %d segundos antes de pedir outro."},
	"err.toomany":                  {EN: "Too many attempts. Please wait a while and try again.", ES: "Demasiados intentos. Espere un rato e inténtelo de nuevo.", PT: "Tentativas demais. Aguarde um pouco e tente novamente."},
	"err.notnow":                   {EN: "Your number is not waiting for a code right now. This page updates when it is.", ES: "Su número no está esperando un código ahora. Esta página se actualiza cuando lo esté.", PT: "Seu número não está aguardando um código agora. Esta página se atualiza quando estiver."},
	"ok.working":                   {EN: "We are still waiting for WhatsApp's systems. Their answer shows on this page as soon as it comes.", ES: "Seguimos esperando a los sistemas de WhatsApp. Su respuesta aparecerá en esta página en cuanto llegue.", PT: "Ainda estamos aguardando os sistemas do WhatsApp. A resposta aparece nesta página assim que chegar."},
	"err.unavailable":              {EN: "We could not reach WhatsApp's systems. Please try again in a moment.", ES: "No pudimos conectar con los sistemas de WhatsApp. Inténtelo de nuevo en un momento.", PT: "Não conseguimos falar com os sistemas do WhatsApp. Tente novamente em instantes."},
	"err.failed":                   {EN: "That did not work. Please try again, or contact %s.", ES: "Eso no funcionó. Inténtelo de nuevo o contacte a %s.", PT: "Isso não funcionou. Tente novamente ou fale com %s."},
	"ok.verified":                  {EN: "Thank you! Your number is confirmed. WhatsApp is activating it now.", ES: "¡Gracias! Su número está confirmado. WhatsApp lo está activando.", PT: "Obrigado! Seu número foi confirmado. O WhatsApp está ativando-o agora."},
	"active.heading":               {EN: "You are ready to use WhatsApp Business", ES: "Ya puede usar WhatsApp Business", PT: "Você já pode usar o WhatsApp Business"},
	"active.body":                  {EN: "Your number %s is active on WhatsApp as “%s”.", ES: "Su número %s está activo en WhatsApp como «%s».", PT: "Seu número %s está ativo no WhatsApp como “%s”."},
	"problem.heading":              {EN: "Something needs fixing on our side", ES: "Hay algo que corregir de nuestro lado", PT: "Algo precisa ser corrigido do nosso lado"},
	"problem.body":                 {EN: "%s is fixing it. You do not need to do anything now; this page will show the next step.", ES: "%s lo está corrigiendo. No necesita hacer nada ahora; esta página mostrará el siguiente paso.", PT: "%s está corrigindo. Você não precisa fazer nada agora; esta página mostrará a próxima etapa."},
	"health.ban.scheduled.heading": {EN: "WhatsApp will disable your account", ES: "WhatsApp desactivará su cuenta", PT: "O WhatsApp vai desativar sua conta"},
	"health.ban.scheduled.body": {EN: "Meta found messages that break WhatsApp's Business Policy and will disable your account%s. In Meta Business Suite, open WhatsApp Manager, then Account quality: see what Meta found, fix it and request a review. %s can help.",
		ES: "Meta encontró mensajes que incumplen la Política comercial de WhatsApp y desactivará su cuenta%s. En Meta Business Suite, abra WhatsApp Manager y luego Calidad de la cuenta: vea lo que encontró Meta, corríjalo y solicite una revisión. %s puede ayudarle.",
		PT: "A Meta encontrou mensagens que violam a Política Comercial do WhatsApp e vai desativar sua conta%s. No Meta Business Suite, abra o WhatsApp Manager e depois Qualidade da conta: veja o que a Meta encontrou, corrija e peça uma análise. %s pode ajudar."},
	"health.ban.date":             {EN: " on %s", ES: " el %s", PT: " em %s"},
	"health.ban.disabled.heading": {EN: "WhatsApp disabled your account", ES: "WhatsApp desactivó su cuenta", PT: "O WhatsApp desativou sua conta"},
	"health.ban.disabled.body": {EN: "You cannot send WhatsApp messages now. In Meta Business Suite, open WhatsApp Manager, then Account quality, and request a review. %s can help.",
		ES: "Ahora no puede enviar mensajes de WhatsApp. En Meta Business Suite, abra WhatsApp Manager, luego Calidad de la cuenta, y solicite una revisión. %s puede ayudarle.",
		PT: "Você não pode enviar mensagens do WhatsApp agora. No Meta Business Suite, abra o WhatsApp Manager, depois Qualidade da conta, e peça uma análise. %s pode ajudar."},
	"health.suspended.heading": {EN: "Your number is suspended", ES: "Su número está suspendido", PT: "Seu número está suspenso"},
	"health.suspended.body": {EN: "WhatsApp suspended your number %s: it cannot send messages. %s is looking into it with WhatsApp.",
		ES: "WhatsApp suspendió su número %s: no puede enviar mensajes. %s lo está revisando con WhatsApp.",
		PT: "O WhatsApp suspendeu seu número %s: ele não pode enviar mensagens. %s está verificando com o WhatsApp."},
	"health.quality.red.heading": {EN: "Many people block or report your messages", ES: "Muchas personas bloquean o denuncian sus mensajes", PT: "Muitas pessoas bloqueiam ou denunciam suas mensagens"},
	"health.quality.red.body": {EN: "WhatsApp rates your messages' quality as low, and may lower how many you can send. Pause marketing messages, send only to customers who asked for them, and make it easy to stop receiving them. %s can help.",
		ES: "WhatsApp califica la calidad de sus mensajes como baja y puede reducir cuántos puede enviar. Pause los mensajes de marketing, envíe solo a clientes que los pidieron y facilite dejar de recibirlos. %s puede ayudarle.",
		PT: "O WhatsApp avalia a qualidade das suas mensagens como baixa e pode reduzir quantas você pode enviar. Pause as mensagens de marketing, envie só para clientes que pediram e facilite parar de recebê-las. %s pode ajudar."},
	"health.quality.yellow.heading": {EN: "Your messages' quality has dropped", ES: "La calidad de sus mensajes bajó", PT: "A qualidade das suas mensagens caiu"},
	"health.quality.yellow.body": {EN: "WhatsApp rates it as medium: more people than usual block or report your messages. Send only to customers who asked for them and keep them useful; your sending limit does not grow while quality is medium.",
		ES: "WhatsApp la califica como media: más personas de lo habitual bloquean o denuncian sus mensajes. Envíe solo a clientes que los pidieron y que sean útiles; su límite de envío no crece mientras la calidad sea media.",
		PT: "O WhatsApp a avalia como média: mais pessoas do que o normal bloqueiam ou denunciam suas mensagens. Envie só para clientes que pediram e mantenha-as úteis; seu limite de envio não cresce enquanto a qualidade for média."},
	"health.name.heading": {EN: "Your display name was not approved", ES: "Su nombre visible no fue aprobado", PT: "Seu nome de exibição não foi aprovado"},
	"health.name.body": {EN: "Meta did not approve the name “%s”. Until a name is approved you can start only 250 conversations a day. Tell %s the name exactly as your customers know it, from your shop front or website: normal capitals, no emoji, symbols or extra punctuation, and not a generic word alone.",
		ES: "Meta no aprobó el nombre «%s». Hasta que se apruebe un nombre solo puede iniciar 250 conversaciones al día. Indique a %s el nombre tal como lo conocen sus clientes, el de su local o sitio web: mayúsculas normales, sin emojis, símbolos ni puntuación de más, y no una palabra genérica sola.",
		PT: "A Meta não aprovou o nome “%s”. Até um nome ser aprovado, você só pode iniciar 250 conversas por dia. Informe a %s o nome exatamente como seus clientes o conhecem, da sua loja ou site: maiúsculas normais, sem emojis, símbolos ou pontuação a mais, e não uma palavra genérica sozinha."},
	"health.name.reason": {EN: "Meta's reason: %s", ES: "Motivo de Meta: %s", PT: "Motivo da Meta: %s"},
	"help":               {EN: "Questions? Contact %s.", ES: "¿Preguntas? Contacte a %s.", PT: "Dúvidas? Fale com %s."},
	"updated":            {EN: "This page updates by itself.", ES: "Esta página se actualiza sola.", PT: "Esta página se atualiza sozinha."},
	"reload":             {EN: "Reload the page to see the latest.", ES: "Recargue la página para ver lo último.", PT: "Recarregue a página para ver as novidades."},
	"reload.link":        {EN: "Reload", ES: "Recargar", PT: "Recarregar"},
	"meta.description": {EN: "Your WhatsApp Business set-up: where it stands and what to do next.", ES: "La configuración de su WhatsApp Business: en qué punto está y qué hacer ahora.",
		PT: "A configuração do seu WhatsApp Business: em que ponto está e o que fazer agora."},
	"gone.title": {EN: "This link no longer works", ES: "Este enlace ya no funciona", PT: "Este link não funciona mais"},
	"gone.body":  {EN: "It has expired or was replaced. Please ask the company helping you with WhatsApp for a new link.", ES: "Ha caducado o fue reemplazado. Pida un enlace nuevo a la empresa que le ayuda con WhatsApp.", PT: "Ele expirou ou foi substituído. Peça um novo link à empresa que está ajudando você com o WhatsApp."},
	// E-mails to the business client (mail package).
	"mail.link":             {EN: "If the button does not work, open this address:", ES: "Si el botón no funciona, abra esta dirección:", PT: "Se o botão não funcionar, abra este endereço:"},
	"mail.hello":            {EN: "Hello %s,", ES: "Hola, %s:", PT: "Olá, %s,"},
	"mail.hello.anon":       {EN: "Hello,", ES: "Hola:", PT: "Olá,"},
	"mail.why":              {EN: "You receive this because %s is setting up WhatsApp Business for %s.", ES: "Recibe este mensaje porque %s está configurando WhatsApp Business para %s.", PT: "Você recebe esta mensagem porque %s está configurando o WhatsApp Business para %s."},
	"link.subject":          {EN: "Your WhatsApp set-up page from %s", ES: "Su página de configuración de WhatsApp de %s", PT: "Sua página de configuração do WhatsApp da %s"},
	"link.heading":          {EN: "Follow your WhatsApp set-up", ES: "Siga la configuración de su WhatsApp", PT: "Acompanhe a configuração do seu WhatsApp"},
	"link.body":             {EN: "%s is setting up WhatsApp Business for %s. Your set-up page shows where things stand and tells you when something is needed from you.", ES: "%s está configurando WhatsApp Business para %s. Su página de configuración muestra en qué punto está y le avisa cuando se necesita algo de usted.", PT: "%s está configurando o WhatsApp Business para %s. Sua página de configuração mostra em que ponto está e avisa quando algo for necessário da sua parte."},
	"link.action":           {EN: "Open your set-up page", ES: "Abrir su página de configuración", PT: "Abrir sua página de configuração"},
	"link.until":            {EN: "The link works until %s. No account or password is needed.", ES: "El enlace funciona hasta el %s. No necesita cuenta ni contraseña.", PT: "O link funciona até %s. Não é preciso conta nem senha."},
	"remind.meta.subject":   {EN: "Reminder: approve the WhatsApp request at Meta", ES: "Recordatorio: apruebe la solicitud de WhatsApp en Meta", PT: "Lembrete: aprove a solicitação do WhatsApp na Meta"},
	"remind.meta.heading":   {EN: "One step is waiting for you: approve the request at Meta", ES: "Un paso le espera: apruebe la solicitud en Meta", PT: "Uma etapa espera por você: aprove a solicitação na Meta"},
	"remind.meta.body":      {EN: "%s asked Meta to create the WhatsApp Business account for %s. An admin of your Business Portfolio needs to approve the request; your set-up page shows how.", ES: "%s pidió a Meta crear la cuenta de WhatsApp Business para %s. Un administrador de su portafolio comercial debe aprobar la solicitud; su página de configuración muestra cómo.", PT: "%s pediu à Meta para criar a conta do WhatsApp Business para %s. Um administrador do seu portfólio empresarial precisa aprovar a solicitação; sua página de configuração mostra como."},
	"remind.meta.action":    {EN: "Approve the request", ES: "Aprobar la solicitud", PT: "Aprovar a solicitação"},
	"remind.verify.subject": {EN: "Reminder: confirm your phone number for WhatsApp", ES: "Recordatorio: confirme su número de teléfono para WhatsApp", PT: "Lembrete: confirme seu número de telefone para o WhatsApp"},
	"remind.verify.heading": {EN: "One step is waiting for you: confirm your phone number", ES: "Un paso le espera: confirme su número de teléfono", PT: "Uma etapa espera por você: confirme seu número de telefone"},
	"remind.verify.body":    {EN: "The number %s is almost ready for WhatsApp. On your set-up page, ask for the 6-digit code by SMS or phone call and type it in.", ES: "El número %s está casi listo para WhatsApp. En su página de configuración, pida el código de 6 dígitos por SMS o llamada y escríbalo.", PT: "O número %s está quase pronto para o WhatsApp. Na sua página de configuração, peça o código de 6 dígitos por SMS ou ligação e digite-o."},
	"remind.verify.action":  {EN: "Confirm my number", ES: "Confirmar mi número", PT: "Confirmar meu número"},
	"remind.stops":          {EN: "These reminders stop by themselves as soon as this step is done.", ES: "Estos recordatorios se detienen solos en cuanto se complete este paso.", PT: "Estes lembretes param sozinhos assim que esta etapa for concluída."},
	"unsub.link":            {EN: "Stop these reminders", ES: "Dejar de recibir estos recordatorios", PT: "Parar estes lembretes"},
	"unsub.title":           {EN: "Stop reminders about your WhatsApp set-up?", ES: "¿Dejar de recibir recordatorios sobre su configuración de WhatsApp?", PT: "Parar os lembretes sobre a configuração do seu WhatsApp?"},
	"unsub.body":            {EN: "%s will send no more reminders about the WhatsApp set-up of %s. Your set-up page keeps working.", ES: "%s no enviará más recordatorios sobre la configuración de WhatsApp de %s. Su página de configuración sigue funcionando.", PT: "%s não enviará mais lembretes sobre a configuração do WhatsApp da %s. Sua página de configuração continua funcionando."},
	"unsub.button":          {EN: "Stop reminders", ES: "Dejar de recibir recordatorios", PT: "Parar lembretes"},
	"unsub.done":            {EN: "Done: no more reminders about this set-up will be sent.", ES: "Listo: no se enviarán más recordatorios sobre esta configuración.", PT: "Pronto: nenhum lembrete sobre esta configuração será enviado."},
}
